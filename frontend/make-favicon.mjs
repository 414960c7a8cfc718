// Writes the portal's neutral favicon (no crown): static/images/favicon.svg and
// a 32x32 static/images/favicon.ico (PNG inside an ICO container).
// Run from the repo root: node frontend/make-favicon.mjs. Node stdlib only.
import { writeFileSync, mkdirSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const BLUE = [0x1d, 0x70, 0xb8]
const WHITE = [0xff, 0xff, 0xff]
const SIZE = 32

mkdirSync('static/images', { recursive: true })

writeFileSync('static/images/favicon.svg', `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">
  <rect width="32" height="32" rx="6" fill="#1d70b8"/>
  <text x="16" y="21.5" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="14" font-weight="700" fill="#ffffff">SM</text>
</svg>
`)

// 5x7 bitmap glyphs, drawn at 2x (10x14 pixels each).
const glyphs = {
  S: ['01111', '10000', '10000', '01110', '00001', '00001', '11110'],
  M: ['10001', '11011', '10101', '10101', '10001', '10001', '10001']
}

const px = Array.from({ length: SIZE * SIZE }, () => null) // null = transparent
const radius = 6
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const cx = Math.min(Math.max(x + 0.5, radius), SIZE - radius)
    const cy = Math.min(Math.max(y + 0.5, radius), SIZE - radius)
    if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius ** 2) px[y * SIZE + x] = BLUE
  }
}
const scale = 2
const top = 9
let left = 5 // 10 + 2 gap + 10 = 22 wide, centred in 32
for (const ch of 'SM') {
  glyphs[ch].forEach((row, gy) => {
    ;[...row].forEach((bit, gx) => {
      if (bit !== '1') return
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          px[(top + gy * scale + dy) * SIZE + left + gx * scale + dx] = WHITE
        }
      }
    })
  })
  left += 5 * scale + 2
}

// PNG (RGBA, 8-bit)
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
const ihdr = Buffer.alloc(13)
ihdr.writeUInt32BE(SIZE, 0)
ihdr.writeUInt32BE(SIZE, 4)
ihdr[8] = 8 // bit depth
ihdr[9] = 6 // RGBA
const raw = Buffer.alloc(SIZE * (1 + SIZE * 4))
for (let y = 0; y < SIZE; y++) {
  raw[y * (1 + SIZE * 4)] = 0 // filter: none
  for (let x = 0; x < SIZE; x++) {
    const p = px[y * SIZE + x]
    const o = y * (1 + SIZE * 4) + 1 + x * 4
    if (p) { raw[o] = p[0]; raw[o + 1] = p[1]; raw[o + 2] = p[2]; raw[o + 3] = 0xff }
  }
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0))
])

// ICO container holding the one PNG image
const header = Buffer.alloc(6)
header.writeUInt16LE(0, 0) // reserved
header.writeUInt16LE(1, 2) // type: icon
header.writeUInt16LE(1, 4) // image count
const entry = Buffer.alloc(16)
entry[0] = SIZE
entry[1] = SIZE
entry[2] = 0 // palette
entry[3] = 0 // reserved
entry.writeUInt16LE(1, 4) // colour planes
entry.writeUInt16LE(32, 6) // bits per pixel
entry.writeUInt32LE(png.length, 8)
entry.writeUInt32LE(6 + 16, 12)
writeFileSync('static/images/favicon.ico', Buffer.concat([header, entry, png]))
console.log('wrote static/images/favicon.svg and static/images/favicon.ico')
