/**
 * The one-time link of an invitation or a reset: the person chooses a password and sets up the second factor
 * (TOTP: the secret shown here is entered in an authenticator application, whose first code proves it was).
 */
import type { FieldError } from '../../errors/esav-error.js';
import { passwordProblems } from '../../domain/portal-access.js';
import { groupedSecret, hashPassword, newTotpSecret, totpStep, totpUri } from '../credentials.js';
import { html, type Html } from '../html.js';
import { errorSummary, notice } from '../layout.js';
import { page, redirect, type PageRequest, type PageResult, type PortalPage } from '../page.js';
import { totpQrCode } from '../totp-qr.js';

const LABELS: Readonly<Record<string, string>> = { password: 'Mot de passe', confirmation: 'Confirmation du mot de passe', code: 'Code à 6 chiffres' };
const SECRET = /^[A-Z2-7]{32}$/;

const invalidLink = (): PageResult => page('Lien non valable', html`${notice("Ce lien n'est plus valable : il a déjà servi ou il a expiré. Demandez un nouveau lien à BFC Fibre.", 'alerte')}
  <p><a href="/connexion">Aller à la connexion</a></p>`, 410);

function fieldError(errors: readonly FieldError[], field: string): Html | null {
  const e = errors.find((x) => x.field === field);
  return e ? html`<span class="erreur-champ" id="${field}-erreur">${e.message}</span>` : null;
}

async function activationForm(r: PageRequest, login: string, purpose: string, secret: string, errors: readonly FieldError[]): Promise<PageResult> {
  const uri = totpUri(secret, login);
  const described = (field: string, help: string | null): string => [help, errors.some((e) => e.field === field) ? `${field}-erreur` : null].filter(Boolean).join(' ');
  const invalid = (field: string): Html | null => (errors.some((e) => e.field === field) ? html` aria-invalid="true"` : null);
  return page(purpose === 'reset' ? 'Nouveau mot de passe' : 'Activer votre accès', html`
    ${errorSummary(errors, (f) => LABELS[f] ?? f, (f) => f)}
    <p>Identifiant : <strong>${login}</strong></p>
    <form method="post" action="/activation/${r.params.token!}" novalidate>
      <input type="hidden" name="_csrf" value="${r.csrf()}">
      <input type="hidden" name="secret" value="${secret}">
      <fieldset><legend>1. Choisissez votre mot de passe</legend>
        <div class="champ${errors.some((e) => e.field === 'password') ? ' champ-erreur' : ''}"><label for="password">Mot de passe <span class="obligatoire">(obligatoire)</span></label>
          <span class="aide" id="password-aide">Au moins 12 caractères, sans votre identifiant.</span>${fieldError(errors, 'password')}
          <input type="password" id="password" name="password" autocomplete="new-password" aria-required="true" aria-describedby="${described('password', 'password-aide')}"${invalid('password')}></div>
        <div class="champ${errors.some((e) => e.field === 'confirmation') ? ' champ-erreur' : ''}"><label for="confirmation">Confirmation du mot de passe <span class="obligatoire">(obligatoire)</span></label>${fieldError(errors, 'confirmation')}
          <input type="password" id="confirmation" name="confirmation" autocomplete="new-password" aria-required="true"${errors.some((e) => e.field === 'confirmation') ? html` aria-describedby="confirmation-erreur"` : null}${invalid('confirmation')}></div>
      </fieldset>
      <fieldset><legend>2. Configurez la double authentification</legend>
        <p>Dans votre application d'authentification (FreeOTP, Google Authenticator, Microsoft Authenticator…), scannez ce QR code :</p>
        <p>${await totpQrCode(uri)}</p>
        <p>Ou ajoutez un compte avec cette clé, saisie à la main :</p>
        <p><span class="secret" id="cle-totp">${groupedSecret(secret)}</span></p>
        <p class="aide">Ou l'adresse : <code id="uri-totp">${uri}</code></p>
        <div class="champ${errors.some((e) => e.field === 'code') ? ' champ-erreur' : ''}"><label for="code">Code à 6 chiffres <span class="obligatoire">(obligatoire)</span></label>
          <span class="aide" id="code-aide">Le code affiché maintenant par l'application.</span>${fieldError(errors, 'code')}
          <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" aria-required="true" aria-describedby="${described('code', 'code-aide')}"${invalid('code')}></div>
      </fieldset>
      <button type="submit">Activer mon accès</button>
    </form>`, errors.length > 0 ? 422 : 200);
}

export const activationPages: readonly PortalPage[] = [
  {
    method: 'GET', path: '/activation/:token', access: 'public',
    async handle(r) {
      const link = await r.deps.directory.linkPerson(r.params.token ?? '', r.now);
      if (!link) return invalidLink();
      return activationForm(r, link.person.login, link.purpose, newTotpSecret(), []);
    }
  },
  {
    method: 'POST', path: '/activation/:token', access: 'public',
    async handle(r) {
      const token = r.params.token ?? '';
      const link = await r.deps.directory.linkPerson(token, r.now);
      if (!link) return invalidLink();
      const secret = SECRET.test(r.form.secret ?? '') ? r.form.secret! : newTotpSecret();
      const password = r.form.password ?? '';
      const errors: FieldError[] = passwordProblems(password, link.person.login).map((message) => ({ field: 'password', rule: 'motDePasse', message }));
      if (password !== (r.form.confirmation ?? '')) errors.push({ field: 'confirmation', rule: 'confirmation', message: 'les deux mots de passe sont différents' });
      const step = totpStep(secret, r.form.code ?? '', r.now);
      if (step === null) errors.push({ field: 'code', rule: 'totp', message: "code incorrect : saisissez le code affiché maintenant par l'application" });
      // One message per field: the first problem of the password (the summary says them all).
      if (errors.length > 0) return activationForm(r, link.person.login, link.purpose, secret, errors);
      if (!(await r.deps.directory.activate(token, await hashPassword(password), secret, step!, r.now))) return invalidLink();
      return redirect('/connexion?message=active');
    }
  }
];
