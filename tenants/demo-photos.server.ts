import sharp from "sharp";

/** The objects a demo photo can show; each is a few SVG shapes in the product's colour. */
export type PhotoObject =
  "mug" | "bowl" | "candle" | "vase" | "cloth" | "spoon" | "cups" | "coffee-bag" | "filters" | "notebook" | "ink" | "plant" | "tall-plant" | "planter" | "soil";

function shapes(object: PhotoObject, colour: string): string {
  switch (object) {
    case "mug":
      return `<rect x="250" y="300" width="260" height="300" rx="36" fill="${colour}"/><path d="M510 370 q110 0 110 90 q0 90 -110 90" stroke="${colour}" stroke-width="34" fill="none"/><ellipse cx="380" cy="300" rx="130" ry="26" fill="#00000022"/>`;
    case "bowl":
      return `<path d="M180 380 h440 q-20 230 -220 230 q-200 0 -220 -230 z" fill="${colour}"/><ellipse cx="400" cy="380" rx="220" ry="40" fill="#ffffff55"/>`;
    case "candle":
      return `<rect x="300" y="320" width="200" height="300" rx="18" fill="${colour}"/><rect x="394" y="270" width="12" height="50" fill="#333"/><path d="M400 190 q34 50 0 80 q-34 -30 0 -80z" fill="#f5a623"/>`;
    case "vase":
      return `<path d="M340 220 h120 v60 q120 80 90 230 q-20 110 -150 110 q-130 0 -150 -110 q-30 -150 90 -230z" fill="${colour}"/>`;
    case "cloth":
      return `<rect x="220" y="230" width="360" height="380" rx="10" fill="${colour}"/><path d="M220 300 h360 M220 540 h360" stroke="#ffffff88" stroke-width="14"/>`;
    case "spoon":
      return `<ellipse cx="400" cy="290" rx="80" ry="110" fill="${colour}"/><rect x="385" y="380" width="30" height="280" rx="15" fill="${colour}"/>`;
    case "cups":
      return `<rect x="190" y="380" width="180" height="200" rx="30" fill="${colour}"/><rect x="430" y="380" width="180" height="200" rx="30" fill="${colour}"/><ellipse cx="280" cy="600" rx="130" ry="18" fill="#00000022"/><ellipse cx="520" cy="600" rx="130" ry="18" fill="#00000022"/>`;
    case "coffee-bag":
      return `<path d="M270 230 h260 l30 390 h-320z" fill="${colour}"/><path d="M270 230 l-10 -40 h280 l-10 40z" fill="#00000033"/><rect x="320" y="360" width="160" height="110" rx="8" fill="#fffaf0"/><circle cx="400" cy="415" r="26" fill="#6b3e26"/><path d="M400 392 q-12 23 0 46" stroke="#fffaf0" stroke-width="5" fill="none"/>`;
    case "filters":
      return `<path d="M250 300 h300 l-70 300 h-160z" fill="${colour}"/><path d="M270 330 h260 l-62 260 h-136z" fill="#ffffff66"/><path d="M250 300 h300" stroke="#00000022" stroke-width="6"/>`;
    case "notebook":
      return `<rect x="250" y="200" width="300" height="420" rx="14" fill="${colour}"/><rect x="250" y="200" width="34" height="420" rx="10" fill="#00000033"/><rect x="330" y="280" width="160" height="56" rx="6" fill="#fffaf0"/><rect x="520" y="200" width="14" height="420" fill="#c0392b"/>`;
    case "ink":
      return `<rect x="300" y="330" width="200" height="270" rx="30" fill="${colour}"/><rect x="350" y="250" width="100" height="90" rx="10" fill="#222"/><rect x="330" y="420" width="140" height="80" rx="8" fill="#fffaf0"/>`;
    case "plant":
      return `<path d="M300 470 h200 l-24 150 h-152z" fill="#c97b4a"/><path d="M400 470 q-160 -60 -150 -230 q110 60 150 230z M400 470 q150 -80 170 -240 q-130 50 -170 240z M400 470 q-10 -180 0 -300 q50 140 0 300z" fill="${colour}"/>`;
    case "tall-plant":
      return `<path d="M310 500 h180 l-20 130 h-140z" fill="#e8e1d5"/><path d="M350 500 q-20 -200 -60 -330 q70 90 80 330z M400 500 q0 -240 10 -360 q30 160 10 360z M450 500 q30 -190 80 -300 q-30 150 -60 300z" fill="${colour}"/>`;
    case "planter":
      return `<path d="M250 360 h300 l-40 250 h-220z" fill="${colour}"/><ellipse cx="400" cy="360" rx="150" ry="30" fill="#00000026"/><path d="M262 430 h276" stroke="#ffffff55" stroke-width="12"/>`;
    case "soil":
      return `<path d="M280 250 h240 q30 0 30 30 v320 q0 30 -30 30 h-240 q-30 0 -30 -30 v-320 q0 -30 30 -30z" fill="${colour}"/><rect x="310" y="360" width="180" height="120" rx="10" fill="#fffaf0"/><path d="M360 450 q40 -70 80 0" stroke="#3f7a4d" stroke-width="12" fill="none"/>`;
  }
}

/**
 * A product photo drawn in code (SVG rendered by sharp): a soft backdrop, a shadow and a simple object in the
 * product's colour. The demo catalogue and the browser tests' catalogue use it, so nothing is downloaded.
 */
export function productPhoto(object: PhotoObject, colour: string, backdrop: string, size = 800): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 800 800">
    <defs><radialGradient id="bg" cx="50%" cy="40%" r="75%"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="${backdrop}"/></radialGradient></defs>
    <rect width="800" height="800" fill="url(#bg)"/>
    <ellipse cx="400" cy="640" rx="260" ry="34" fill="#00000018"/>
    ${shapes(object, colour)}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
