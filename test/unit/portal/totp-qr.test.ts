/**
 * The TOTP setup's QR code (issue 21): the SVG drawn on the activation page encodes the otpauth:// URI. No QR decoder
 * is installed, so the SVG's dark modules are read back from its path and compared with the matrix the qrcode
 * package computes for the URI itself (a different URI gives a different matrix, which the test checks too).
 */
import { expect } from 'chai';
import QRCode from 'qrcode';
import { totpUri } from '../../../src/portal/credentials.js';
import { QR_LABEL, qrSvg, totpQrCode } from '../../../src/portal/totp-qr.js';

const MARGIN = 4;

/** The dark modules of qrcode's SVG: its stroked path is moves (M, m) and horizontal runs (h) of half-module-high rows. */
function modulesOf(svg: string): { size: number; dark: Set<string> } {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!;
  const d = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)![1]!;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
    if (command === 'M') { x = Number(a); y = Number(b); } else if (command === 'm') { x += Number(a); y += Number(b); } else {
      for (let i = 0; i < Number(a); i += 1) dark.add(`${x + i - MARGIN},${Math.floor(y) - MARGIN}`);
      x += Number(a);
    }
  }
  return { size: Number(viewBox[1]) - 2 * MARGIN, dark };
}

function matrixOf(text: string): { size: number; dark: Set<string> } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const dark = new Set<string>();
  for (let r = 0; r < qr.modules.size; r += 1) for (let c = 0; c < qr.modules.size; c += 1) if (qr.modules.get(r, c)) dark.add(`${c},${r}`);
  return { size: qr.modules.size, dark };
}

describe('portal: the TOTP QR code', () => {
  const uri = totpUri('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'opa.jdupont');

  it('draws exactly the QR matrix of the otpauth:// URI', async () => {
    expect(uri).to.match(/^otpauth:\/\/totp\//);
    const drawn = modulesOf(await qrSvg(uri));
    const expected = matrixOf(uri);
    expect(drawn.size).to.equal(expected.size);
    expect([...drawn.dark].sort()).to.deep.equal([...expected.dark].sort());
    const other = matrixOf(totpUri('KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', 'opa.jdupont'));
    expect([...drawn.dark].sort()).to.not.deep.equal([...other.dark].sort());
  });

  it('is inline markup labelled in French, with no script, style or data: URL (the CSP stays strict)', async () => {
    const svg = (await totpQrCode(uri)).toString();
    expect(svg).to.match(/^<svg role="img" aria-labelledby="qr-totp-titre"/);
    expect(svg).to.include(`<title id="qr-totp-titre">${QR_LABEL}</title>`);
    expect(svg).to.not.match(/<script|style=|data:|href=/i);
  });
});
