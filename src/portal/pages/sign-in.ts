/**
 * Sign-in in two steps — password, then the TOTP code — and sign-out. Every failure counts towards the lockout
 * (portal-access.ts) and is audited; the page says only what a person needs (never which of login or password
 * was wrong). A new session is made at each step (no session fixation).
 */
import { isLocked, LOCKOUT_MS, signInRefusal } from '../../domain/portal-access.js';
import { hashPassword, passwordMatches, totpStep } from '../credentials.js';
import { html } from '../html.js';
import { frenchDateTime, notice } from '../layout.js';
import { page, redirect, type PageRequest, type PageResult, type PortalPage } from '../page.js';

/** Compared against when the login is unknown, so that an unknown login takes as long as a wrong password. */
const DECOY = hashPassword('e-SAV en ligne: decoy password for unknown logins');

function signInForm(r: PageRequest, problem: string | null, login = ''): PageResult {
  return page('Connexion', html`
    ${r.query.message === 'deconnecte' ? notice('Vous êtes déconnecté.', 'succes') : null}
    ${r.query.message === 'active' ? notice('Votre accès est prêt : connectez-vous avec votre identifiant, votre mot de passe et le code de votre application.', 'succes') : null}
    ${problem ? notice(problem, 'alerte') : null}
    <p>Accès réservé aux personnes des opérateurs abonnés à e-SAV en ligne. Vos identifiants vous sont donnés par BFC Fibre.</p>
    <form method="post" action="/connexion" novalidate>
      <input type="hidden" name="_csrf" value="${r.csrf()}">
      <div class="champ"><label for="login">Identifiant</label><input type="text" id="login" name="login" value="${login}" autocomplete="username" required aria-required="true"></div>
      <div class="champ"><label for="password">Mot de passe</label><input type="password" id="password" name="password" autocomplete="current-password" required aria-required="true"></div>
      <button type="submit">Continuer</button>
    </form>`, problem ? 401 : 200);
}

const REFUSED = 'Identifiant ou mot de passe incorrect.';
const lockedText = (until: Date): string =>
  `Trop d'échecs successifs : la connexion à ce compte est bloquée jusqu'au ${frenchDateTime(until)}. Contactez BFC Fibre si ce n'est pas vous.`;

export const signInPages: readonly PortalPage[] = [
  {
    method: 'GET', path: '/connexion', access: 'public',
    handle: async (r) => signInForm(r, null)
  },
  {
    method: 'POST', path: '/connexion', access: 'public',
    async handle(r) {
      const login = (r.form.login ?? '').trim().toLowerCase();
      const password = r.form.password ?? '';
      const person = login === '' ? null : await r.deps.directory.personByLogin(login, r.now);
      if (!person || !person.passwordHash) {
        await passwordMatches(await DECOY, password);
        return signInForm(r, REFUSED, login);
      }
      if (isLocked(person, r.now)) return signInForm(r, lockedText(person.lockedUntil!), login);
      if (!(await passwordMatches(person.passwordHash, password))) {
        const { locked } = await r.deps.directory.recordFailure(person, 'password', r.now);
        return signInForm(r, locked ? lockedText(new Date(r.now.getTime() + LOCKOUT_MS)) : REFUSED, login);
      }
      const refusal = signInRefusal(person, person.operatorActive, person.onlineAccess, r.now);
      if (refusal !== null) {
        await r.deps.directory.audit(person, 'sign-in-refused', { reason: refusal }, r.now);
        return signInForm(r, "Ce compte n'a pas accès à e-SAV en ligne. Contactez BFC Fibre.", login);
      }
      if (r.sessionToken) await r.deps.directory.endSession(r.sessionToken, 'replaced', r.now);
      return redirect('/connexion/code', await r.deps.directory.createSession(person, 'password', r.now));
    }
  },
  {
    method: 'GET', path: '/connexion/code', access: 'second-factor',
    handle: async (r) => codeForm(r, null)
  },
  {
    method: 'POST', path: '/connexion/code', access: 'second-factor',
    async handle(r) {
      const person = r.visitor!.person;
      const step = person.totpSecret ? totpStep(person.totpSecret, r.form.code ?? '', r.now) : null;
      // A code is accepted once: a step not after the last one accepted is a replay.
      if (step === null || (person.totpLastStep !== null && step <= person.totpLastStep)) {
        const { locked } = await r.deps.directory.recordFailure(person, 'totp', r.now);
        if (locked) {
          await r.deps.directory.endSession(r.sessionToken!, 'locked', r.now);
          return { ...signInForm(r, lockedText(new Date(r.now.getTime() + LOCKOUT_MS))), status: 401 };
        }
        return codeForm(r, 'Code incorrect ou expiré : saisissez le code affiché maintenant par votre application.');
      }
      await r.deps.directory.recordSignIn(person, step, r.now);
      await r.deps.directory.endSession(r.sessionToken!, 'second-factor', r.now);
      return redirect('/', await r.deps.directory.createSession(person, 'complete', r.now));
    }
  },
  {
    method: 'POST', path: '/deconnexion', access: 'signed-in',
    async handle(r) {
      await r.deps.directory.endSession(r.sessionToken!, 'sign-out', r.now);
      await r.deps.directory.audit(r.visitor!.person, 'sign-out', {}, r.now);
      return redirect('/connexion?message=deconnecte', null);
    }
  }
];

function codeForm(r: PageRequest, problem: string | null): PageResult {
  return page('Code de vérification', html`
    ${problem ? notice(problem, 'alerte') : null}
    <p>Saisissez le code à 6 chiffres affiché par votre application d'authentification pour « ${r.visitor!.person.login} ».</p>
    <form method="post" action="/connexion/code" novalidate>
      <input type="hidden" name="_csrf" value="${r.csrf()}">
      <div class="champ"><label for="code">Code à 6 chiffres</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-required="true"></div>
      <button type="submit">Se connecter</button>
    </form>`, problem ? 401 : 200);
}
