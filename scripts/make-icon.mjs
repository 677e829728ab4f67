// Writes resources/icons/icon.png (512x512): a rounded blue square with a white ID card. Hand-written PNG encoder
// (node:zlib deflate + crc32) because the icon is a few shapes and a dependency for it would be heavier than this.
// Run: node scripts/make-icon.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 512;
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons', 'icon.png');

function insideRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const BLUE = [0x1d, 0x4e, 0xd8, 255];
const WHITE = [255, 255, 255, 255];
const INK = [0x1d, 0x4e, 0xd8, 255];
const CLEAR = [0, 0, 0, 0];

function pixel(x, y) {
  if (!insideRoundedRect(x, y, 16, 16, SIZE - 17, SIZE - 17, 96)) return CLEAR;
  // the card
  if (insideRoundedRect(x, y, 96, 150, 416, 362, 28)) {
    // photo circle + lines on the card
    if ((x - 176) ** 2 + (y - 236) ** 2 <= 44 ** 2) return INK;
    if (insideRoundedRect(x, y, 134, 290, 218, 322, 10)) return INK;
    if (insideRoundedRect(x, y, 250, 206, 380, 224, 9)) return INK;
    if (insideRoundedRect(x, y, 250, 246, 356, 264, 9)) return INK;
    if (insideRoundedRect(x, y, 250, 286, 330, 304, 9)) return INK;
    return WHITE;
  }
  return BLUE;
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x, y)).copy(raw, y * (SIZE * 4 + 1) + 1 + x * 4);
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, png);
console.log(`${path.relative(process.cwd(), out)}  ${png.length} bytes`);
