/**
 * The TOTP setup's QR code (issue 21): the otpauth:// URI drawn as an inline SVG by the `qrcode` package, to be
 * scanned by the authenticator application. Inline markup, not an image: the CSP (default-src 'none', img-src
 * 'self') allows no data: URL and the SVG carries no script or style attribute (fill and stroke are presentation
 * attributes). It is labelled in French for assistive technologies; the secret stays shown as text beside it.
 */
import QRCode from 'qrcode';
import { raw, type Html } from './html.js';

export const QR_LABEL = "QR code à scanner avec votre application d'authentification (la clé est aussi écrite en toutes lettres à côté)";

/** The SVG markup of the URI's QR code (error correction M, a 4-module quiet zone as the standard asks). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** The QR code as a labelled image of the page (role img, its French label, a title for pointer users). */
export async function totpQrCode(uri: string): Promise<Html> {
  const svg = await qrSvg(uri);
  const labelled = svg.replace(/^<svg /, `<svg role="img" aria-labelledby="qr-totp-titre" class="qr-totp" id="qr-totp" width="232" height="232" focusable="false" `)
    .replace(/>/, `><title id="qr-totp-titre">${QR_LABEL}</title>`);
  return raw(labelled);
}
