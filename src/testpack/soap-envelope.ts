/** The SOAP envelope the pack wraps around a scenario's request element. */
const ENV11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const ENV12 = 'http://www.w3.org/2003/05/soap-envelope';
export const NS_BASE = 'http://esav.bfc-fibre.fr';

/** header: the SOAP header blocks (Interop'Fibre's EnteteType), none when absent. */
export function envelope(body: string, soapVersion: '1.1' | '1.2', header?: string): string {
  const ns = soapVersion === '1.2' ? ENV12 : ENV11;
  const head = header ? `  <soapenv:Header>\n${header.replace(/^/gm, '    ')}\n  </soapenv:Header>\n` : '  <soapenv:Header/>\n';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${ns}">\n${head}  <soapenv:Body>\n`
    + `${body.replace(/^/gm, '    ')}\n  </soapenv:Body>\n</soapenv:Envelope>\n`;
}
