import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/**
 * Draws the app's two Teams icons (run once; the PNGs are committed): a 192x192 colour icon and a
 * 32x32 white-on-transparent outline icon. Two boxes (F&O and Dataverse) joined by two arrows.
 */
type Rgba = [number, number, number, number];

function draw(size: number, background: Rgba, ink: Rgba): PNG {
  const png = new PNG({ width: size, height: size });
  const s = size / 32;
  const set = (x: number, y: number, c: Rgba) => {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    const i = (size * y + x) << 2;
    png.data.set(c, i);
  };
  const rect = (x0: number, y0: number, w: number, h: number, c: Rgba) => {
    for (let y = Math.round(y0 * s); y < Math.round((y0 + h) * s); y += 1)
      for (let x = Math.round(x0 * s); x < Math.round((x0 + w) * s); x += 1) set(x, y, c);
  };
  rect(0, 0, 32, 32, background);
  // two boxes
  rect(3, 9, 9, 14, ink);
  rect(20, 9, 9, 14, ink);
  rect(5, 11, 5, 10, background);
  rect(22, 11, 5, 10, background);
  // arrow to the right (top) and to the left (bottom)
  rect(13, 12, 6, 2, ink);
  rect(17, 10, 1, 6, ink);
  rect(18, 11, 1, 4, ink);
  rect(13, 18, 6, 2, ink);
  rect(14, 16, 1, 6, ink);
  rect(13, 17, 1, 4, ink);
  return png;
}

const out = path.join(__dirname, '..', 'appPackage');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  path.join(out, 'color.png'),
  PNG.sync.write(draw(192, [0, 94, 184, 255], [255, 255, 255, 255])),
);
fs.writeFileSync(path.join(out, 'outline.png'), PNG.sync.write(draw(32, [0, 0, 0, 0], [255, 255, 255, 255])));
process.stdout.write(`icons written to ${out}\n`);
