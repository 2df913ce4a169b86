import sharp from "sharp";

export type TestImageFormat = "jpeg" | "png" | "webp" | "avif" | "gif";

/**
 * A small real image made in code (a gradient with a shape, so encoders have
 * something to do). `seed` changes the colours, and so the bytes.
 */
export async function makeImage(format: TestImageFormat, width: number, height: number, seed = 0): Promise<Buffer> {
  const hue = (seed * 67) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},70%,40%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="hsl(${(hue + 240) % 360},80%,60%)"/>
  </svg>`;
  return sharp(Buffer.from(svg))
    .toFormat(format, format === "avif" ? { effort: 0 } : {})
    .toBuffer();
}
