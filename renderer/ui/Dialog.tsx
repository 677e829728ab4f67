import { useEffect, type ReactNode } from 'react';
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { create } from 'zustand';
import { Button } from './Button.js';

/** How many app dialogs are open: the global keyboard layer leaves keys (Esc, Alt+…) to an open dialog. */
export const useOpenDialogs = create<{ count: number }>(() => ({ count: 0 }));

export function anyDialogOpen(): boolean {
  return useOpenDialogs.getState().count > 0 || document.querySelector('[role="dialog"], [role="alertdialog"]') !== null;
}

export interface DialogProps {
  isOpen: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  /** 'alertdialog' for confirmations */
  role?: 'dialog' | 'alertdialog';
  className?: string;
  /** hide the header's Close button (e.g. the palette, which closes with Esc) */
  hideClose?: boolean;
}

/**
 * A modal dialog (react-aria Modal): focus moves in and is trapped, Esc closes, focus returns to where it was.
 * Not dismissed by clicking outside (clerks misclick; typed input must not vanish).
 */
export function Dialog({ isOpen, onClose, title, children, role = 'dialog', className, hideClose }: DialogProps) {
  useEffect(() => {
    if (!isOpen) return;
    useOpenDialogs.setState((s) => ({ count: s.count + 1 }));
    return () => useOpenDialogs.setState((s) => ({ count: Math.max(0, s.count - 1) }));
  }, [isOpen]);
  return (
    <ModalOverlay className="ad-overlay" isOpen={isOpen} onOpenChange={(o) => !o && onClose()} isDismissable={false} isKeyboardDismissDisabled={false}>
      <Modal className="ad-modal">
        <AriaDialog className={`ad-dialog ${className ?? ''}`} role={role}>
          <div className="ad-dialog__head">
            <Heading slot="title">{title}</Heading>
            {!hideClose && (
              <Button variant="quiet" size="small" onPress={onClose} shortcut="Esc" aria-label="Close">
                Close
              </Button>
            )}
          </div>
          {children}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}
