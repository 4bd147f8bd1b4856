// Sample pictures the page sends as image messages (`PicUrl` points here), drawn as SVG so the
// package ships no binary files and the page works offline.

const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">${body}</svg>`;

/** The sample pictures by file name, served at `/samples/<name>`. */
export const SAMPLE_PICTURES: Readonly<Record<string, string>> = {
  'sunset.svg': svg(
    '<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ff9a62"/>' +
      '<stop offset="1" stop-color="#6a4c93"/></linearGradient></defs><rect width="320" height="240" fill="url(#s)"/>' +
      '<circle cx="160" cy="150" r="46" fill="#ffd166"/><rect y="170" width="320" height="70" fill="#2b2d42"/>',
  ),
  'cat.svg': svg(
    '<rect width="320" height="240" fill="#e9f5db"/><circle cx="160" cy="140" r="70" fill="#f4a261"/>' +
      '<polygon points="100,95 115,40 140,85" fill="#f4a261"/><polygon points="220,95 205,40 180,85" fill="#f4a261"/>' +
      '<circle cx="135" cy="130" r="9" fill="#264653"/><circle cx="185" cy="130" r="9" fill="#264653"/>' +
      '<polygon points="152,152 168,152 160,162" fill="#e76f51"/>',
  ),
  'qrcode.svg': svg(
    '<rect width="320" height="240" fill="#fff"/><g fill="#111"><rect x="90" y="50" width="40" height="40"/>' +
      '<rect x="190" y="50" width="40" height="40"/><rect x="90" y="150" width="40" height="40"/>' +
      '<rect x="145" y="60" width="15" height="15"/><rect x="160" y="100" width="30" height="15"/>' +
      '<rect x="140" y="130" width="15" height="30"/><rect x="175" y="150" width="45" height="15"/>' +
      '<rect x="200" y="175" width="15" height="15"/></g>',
  ),
};
