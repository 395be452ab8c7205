/**
 * The portal's one style sheet, served from /static/portail.css (the CSP allows styles from the portal itself only).
 * Colours meet WCAG 2.1 AA contrast (4.5:1 for text); the focus is always visible; the layout reads on a phone.
 */
export const PORTAL_CSS = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:100%;line-height:1.5;color:#1e1e1e;background:#fff}
body{margin:0}
a{color:#0a4f9e}
a:hover{color:#06356b}
:focus-visible{outline:3px solid #b34000;outline-offset:2px}
.evitement{position:absolute;left:-9999px;top:0;background:#fff;padding:.5rem 1rem}
.evitement:focus{left:1rem}
.bandeau{background:#0b3a6f;color:#fff;padding:.75rem 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 2rem;align-items:center;justify-content:space-between}
.bandeau a{color:#fff}
.marque{margin:0;font-weight:700;font-size:1.25rem}
.marque a{text-decoration:none}
.marque span{font-weight:400;font-size:.9rem;margin-left:.5rem}
.compte{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.compte form{margin:0}
.lien{background:none;border:0;color:#fff;text-decoration:underline;font:inherit;cursor:pointer;padding:0}
nav[aria-label="Menu principal"]{flex-basis:100%}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.5rem}
nav a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
main{max-width:72rem;margin:0 auto;padding:1.5rem}
main:focus{outline:none}
footer{border-top:1px solid #ccc;padding:1rem 1.5rem;font-size:.9rem;color:#3a3a3a}
h1{font-size:1.75rem;margin-top:0}
h2{font-size:1.3rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}
caption{text-align:left;font-weight:700;padding:.5rem 0}
th,td{border-bottom:1px solid #ccc;padding:.5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}
.tableau{overflow-x:auto}
dl.fiche{display:grid;grid-template-columns:minmax(10rem,max-content) 1fr;gap:.25rem 1.5rem}
dl.fiche dt{font-weight:700}
dl.fiche dd{margin:0}
fieldset{border:1px solid #bbb;padding:1rem;margin:1rem 0}
legend{font-weight:700;padding:0 .5rem}
.champ{margin:0 0 1rem}
.champ label{display:block;font-weight:600}
.champ .aide{display:block;font-size:.9rem;color:#4a4a4a}
.champ input[type=text],.champ input[type=tel],.champ input[type=email],.champ input[type=password],.champ input[type=number],
.champ input[type=date],.champ input[type=datetime-local],.champ select,.champ textarea{width:100%;max-width:36rem;padding:.5rem;font:inherit;border:1px solid #6b6b6b;border-radius:2px;background:#fff;color:#1e1e1e}
.champ textarea{min-height:6rem}
.champ-erreur input,.champ-erreur select,.champ-erreur textarea{border:2px solid #ce0500}
.erreur-champ{display:block;color:#ce0500;font-weight:600}
.obligatoire{color:#ce0500}
button,.bouton{display:inline-block;background:#0a4f9e;color:#fff;border:0;padding:.6rem 1.2rem;font:inherit;border-radius:2px;cursor:pointer;text-decoration:none}
button.secondaire{background:#fff;color:#0a4f9e;border:2px solid #0a4f9e}
button:hover,.bouton:hover{background:#06356b;color:#fff}
.erreurs{border:2px solid #ce0500;padding:1rem;margin:1rem 0;background:#fff4f4}
.erreurs h2{margin-top:0;font-size:1.1rem}
.message{padding:1rem;margin:1rem 0;border-left:6px solid #0a4f9e;background:#eef2f7}
.message-succes{border-color:#18753c;background:#eaf6ee}
.message-alerte{border-color:#ce0500;background:#fff4f4}
.etat{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.9rem;font-weight:600;background:#e3e3e3;color:#1e1e1e}
.etat-gele{background:#fde8c8;color:#5c2c00}
.etat-en_cours,.etat-en_qualification{background:#dbe8fb;color:#06356b}
.etat-clos,.etat-valide,.etat-clos_tableau_de_bord{background:#dcefe2;color:#0d4b24}
.etat-en_rejet,.etat-annule{background:#fbe0e0;color:#6b0a08}
.filtres{display:flex;flex-wrap:wrap;gap:0 1.5rem;align-items:flex-end}
.filtres .champ{min-width:12rem}
.pagination ul{list-style:none;padding:0;display:flex;gap:1.5rem}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.2rem;letter-spacing:.05em;background:#f3f3f3;padding:.5rem;display:inline-block;word-break:break-all}
.historique li{margin-bottom:.5rem}
.visuellement-cache{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.etat-test-termine,.etat-rdv-confirme,.etat-rdv-termine{background:#dcefe2;color:#0d4b24}
.etat-test-en_cours,.etat-rdv-cree,.etat-rdv-en_cours{background:#dbe8fb;color:#06356b}
.etat-travaux-cloture{background:#dcefe2;color:#0d4b24}
.etat-travaux-nouveau,.etat-travaux-maj,.etat-travaux-replanification{background:#fde8c8;color:#5c2c00}
.etat-travaux-annule,.etat-test-echec,.etat-rdv-annule,.etat-rdv-manque_oi,.etat-rdv-echec_client{background:#fbe0e0;color:#6b0a08}
.actions{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}
.actions form{border:1px solid #ccc;padding:1rem}
.actions h3{margin-top:0;font-size:1.1rem}
@media (max-width:40rem){main{padding:1rem}dl.fiche{grid-template-columns:1fr}h1{font-size:1.4rem}}
`;
