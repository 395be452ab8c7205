/*
 * Same-work peer (p2), issue 20: what a Java shop of the telecom industry would write instead of the gateway. A JAX-WS
 * endpoint (Debian's jaxws, the reference implementation) implementing the service endpoint interface that wsimport
 * generated from our published signalisation v2 WSDL, published on the JDK's HttpsServer with client authentication
 * (the same CA, server certificate and TLS >= 1.2 as every target of the bench), JDBC through Debian's PostgreSQL
 * driver and a HikariCP pool (Debian packages it), against the gateway child's PostgreSQL.
 *
 * Per request, the same work as the soap + pg peer (p1):
 * - consultationEtat: one prepared statement reading the ticket's state, scoped to the operator of the client
 *   certificate (its SHA-256 fingerprint in the registry, read in the same statement, every request);
 * - depotSignalisation: one transaction (the ticket, its first transition, its event, commit) per request, committed
 *   before the answer. No form validation (JAXB maps the form, an xs:any, to a DOM element and nobody checks it), no
 *   batching.
 * What its documentation recommends and nothing more: an executor for the HttpServer (its default runs every
 * exchange on the dispatcher thread), the pool at the gateway's default size (20), and
 * -Dsun.net.httpserver.nodelay=true on the command line (without it the JDK's server waits on Nagle and delayed ACKs:
 * a 44 ms p50).
 *
 * Usage: java -Dsun.net.httpserver.nodelay=true -cp ... SignalisationPeer <pem dir> <jdbc url> <user> <password>
 * Prints "LISTENING <port>" once it answers; stops on end of standard input (its parent went away) or SIGTERM.
 */
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import fr.bfc_fibre.esav.commun.v1.DetailErreurType;
import fr.bfc_fibre.esav.signalisation.v2.*;

import javax.annotation.Resource;
import javax.jws.WebService;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.ws.Endpoint;
import javax.xml.ws.WebServiceContext;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.GregorianCalendar;
import java.util.HexFormat;
import java.util.TimeZone;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

@WebService(serviceName = "SignalisationService", portName = "SignalisationSoap11Port",
        targetNamespace = "http://esav.bfc-fibre.fr/signalisation/v2",
        endpointInterface = "fr.bfc_fibre.esav.signalisation.v2.SignalisationPortType")
public class SignalisationPeer implements SignalisationPortType {
    private static final String READ_STATE = "SELECT t.reference, t.state, t.state_changed_at FROM ticket t"
            + " JOIN client_certificate c ON c.operator_id = t.operator_id AND c.state = 'active'"
            + " WHERE c.fingerprint_sha256 = ? AND t.reference = ?";
    private static final String INSERT_TICKET = "INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code,"
            + " operator_reference, content_hash, form_id, form_version, form_fields, state, accepted_at, state_changed_at)"
            + " SELECT 'SIG-' || to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY') || '-' || ticket_number_text(nextval('ticket_number')),"
            + " s.operator_id, s.id, s.service_id, s.offer_code, ?, ?, 'FTTH', 2, jsonb_build_object('formulaire', ?::text), 'EN_DEPOT', now(), now()"
            + " FROM client_certificate c JOIN service s ON s.operator_id = c.operator_id AND s.service_id = ?"
            + " WHERE c.fingerprint_sha256 = ? AND c.state = 'active'"
            + " RETURNING id, operator_id, reference, accepted_at";
    private static final String INSERT_TRANSITION = "INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor)"
            + " VALUES (?, ?, NULL, 'EN_DEPOT', ?, 'operator', 'peer')";
    private static final String INSERT_EVENT = "INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at)"
            + " VALUES (?, ?, 'state', jsonb_build_object('reference', ?::text, 'from', NULL, 'to', 'EN_DEPOT', 'reason', NULL), ?)";

    private static HikariDataSource pool;
    private static DatatypeFactory datatypes;

    @Resource
    private WebServiceContext context;

    /** The client certificate's SHA-256 fingerprint, as the registry stores it (lowercase hex). */
    private String fingerprint() throws Erreur {
        try {
            HttpExchange exchange = (HttpExchange) context.getMessageContext().get("com.sun.xml.ws.http.exchange");
            Certificate[] chain = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
        } catch (Exception e) {
            throw fault("AUTHENTIFICATION", "Certificat client absent");
        }
    }

    private static Erreur fault(String code, String message) {
        DetailErreurType detail = new DetailErreurType();
        detail.setCode(code);
        detail.setMessage(message);
        return new Erreur(message, detail);
    }

    private static XMLGregorianCalendar dateTime(Timestamp t) {
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        c.setTimeInMillis(t.getTime());
        return datatypes.newXMLGregorianCalendar(c);
    }

    private static String tmf621(String state) {
        switch (state) {
            case "EN_DEPOT": case "EN_QUALIFICATION": return "acknowledged";
            case "EN_REJET": return "rejected";
            case "EN_COURS": return "inProgress";
            case "GELE": return "pending";
            case "CLOS": case "VALIDE": return "resolved";
            case "CLOS_TABLEAU_DE_BORD": return "closed";
            case "ANNULE": return "cancelled";
            default: return state;
        }
    }

    @Override
    public ConsultationEtatReponse consultationEtat(ReferenceType parameters) throws Erreur {
        String fingerprint = fingerprint();
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(READ_STATE)) {
            s.setString(1, fingerprint);
            s.setString(2, parameters.getReferenceSignalisation());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) throw fault("SIGNALISATION_INCONNUE", "Signalisation inconnue");
                ConsultationEtatReponse out = new ConsultationEtatReponse();
                out.setReferenceSignalisation(r.getString(1));
                out.setEtat(EtatType.fromValue(r.getString(2)));
                out.setEtatTMF621(tmf621(r.getString(2)));
                out.setDateEtat(dateTime(r.getTimestamp(3)));
                return out;
            }
        } catch (java.sql.SQLException e) {
            throw fault("INDISPONIBLE", "Service indisponible");
        }
    }

    @Override
    public DepotSignalisationReponse depotSignalisation(DepotSignalisationRequete parameters) throws Erreur {
        String fingerprint = fingerprint();
        Object form = parameters.getFormulaire() == null ? null : parameters.getFormulaire().getAny();
        String formText = form instanceof org.w3c.dom.Node ? ((org.w3c.dom.Node) form).getTextContent() : String.valueOf(form);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                long ticketId;
                long operatorId;
                String reference;
                Timestamp at;
                try (PreparedStatement s = c.prepareStatement(INSERT_TICKET)) {
                    s.setString(1, parameters.getReferenceOperateur());
                    s.setString(2, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(formText.getBytes(StandardCharsets.UTF_8))));
                    s.setString(3, formText);
                    s.setString(4, parameters.getIdentifiantPrestation());
                    s.setString(5, fingerprint);
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) {
                            c.rollback();
                            throw fault("PRESTATION_INCONNUE", "Prestation inconnue");
                        }
                        ticketId = r.getLong(1);
                        operatorId = r.getLong(2);
                        reference = r.getString(3);
                        at = r.getTimestamp(4);
                    }
                }
                try (PreparedStatement s = c.prepareStatement(INSERT_TRANSITION)) {
                    s.setLong(1, ticketId);
                    s.setLong(2, operatorId);
                    s.setTimestamp(3, at);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(INSERT_EVENT)) {
                    s.setLong(1, ticketId);
                    s.setLong(2, operatorId);
                    s.setString(3, reference);
                    s.setTimestamp(4, at);
                    s.executeUpdate();
                }
                c.commit();
                DepotSignalisationReponse out = new DepotSignalisationReponse();
                out.setReferenceSignalisation(reference);
                out.setDateAcceptation(dateTime(at));
                out.setEtat(EtatType.EN_DEPOT);
                out.setDejaDeposee(false);
                return out;
            } catch (Erreur e) {
                throw e;
            } catch (Exception e) {
                c.rollback();
                throw fault("INDISPONIBLE", "Service indisponible");
            }
        } catch (java.sql.SQLException e) {
            throw fault("INDISPONIBLE", "Service indisponible");
        }
    }

    private static Erreur notHere() {
        return fault("NON_IMPLEMENTE", "Opération hors du banc");
    }

    @Override public ConsultationDetailReponse consultationDetail(ReferenceType parameters) throws Erreur { throw notHere(); }
    @Override public EtatCourtType ajoutComplement(AjoutComplementRequete parameters) throws Erreur { throw notHere(); }
    @Override public EtatCourtType reponseCloture(ReponseClotureRequete parameters) throws Erreur { throw notHere(); }
    @Override public RechercheSignalisationsReponse rechercheSignalisations(RechercheSignalisationsRequete parameters) throws Erreur { throw notHere(); }
    @Override public EtatCourtType annulationSignalisation(AnnulationSignalisationRequete parameters) throws Erreur { throw notHere(); }

    private static byte[] pemBody(String pem) {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(b64);
    }

    private static SSLContext sslContext(Path dir) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate ca;
        Certificate server;
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) { ca = x509.generateCertificate(in); }
        try (InputStream in = Files.newInputStream(dir.resolve("server.pem"))) { server = x509.generateCertificate(in); }
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(Files.readString(dir.resolve("server-key.pem")))));
        char[] password = "bench".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, password, new Certificate[] { server, ca });
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    public static void main(String[] args) throws Exception {
        datatypes = DatatypeFactory.newInstance();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[1]);
        config.setUsername(args[2]);
        config.setPassword(args[3]);
        config.setMaximumPoolSize(20);
        pool = new HikariDataSource(config);

        SSLContext ssl = sslContext(Path.of(args[0]));
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                p.setProtocols(new String[] { "TLSv1.3", "TLSv1.2" });
                params.setSSLParameters(p);
            }
        });
        ExecutorService executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        HttpContext http = server.createContext("/esav/signalisation/v2");
        Endpoint endpoint = Endpoint.create(new SignalisationPeer());
        endpoint.publish(http);
        server.start();

        Runnable stop = () -> {
            server.stop(0);
            executor.shutdownNow();
            pool.close();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop));
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();
        // The parent closes our standard input when it goes away: exit then (the shutdown hook closes the rest).
        while (System.in.read() != -1) { /* nothing is sent */ }
        System.exit(0);
    }
}
