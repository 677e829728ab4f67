// Vite's `?url` import of the pdf.js worker (vite/client types are not in the tsconfig's `types`).
declare module 'pdfjs-dist/build/pdf.worker.min.mjs?url' {
  const src: string;
  export default src;
}
