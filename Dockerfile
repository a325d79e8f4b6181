# The hub's container image (docs/deployment.md, "Container image").
#   docker build -t license-hub .
#   docker run -p 4000:4000 -e DATABASE_URL=mysql://… -e SECRETS_KEY=… -e JWT_SECRET=… -e TRUST_PROXY=true license-hub
# Three stages: the build (every dependency, tsc, the console), the production dependencies
# (compiled for the runtime's Debian), and the runtime (Node.js 20 slim, no build tools, no
# sources, not root).

# ---- build: npm ci, tsc, the console (web/dist) ---------------------------------------------
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/package.json web/package-lock.json web/
RUN npm ci --prefix web --no-audit --no-fund
COPY . .
RUN npx tsc -b && scripts/console-build.sh --force

# ---- production dependencies: better-sqlite3's native module is built or fetched here ----------
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
# Production by default: the hub then refuses to start without DATABASE_URL, SECRETS_KEY and a
# JWT key, and without TLS_CERT_FILE/TLS_KEY_FILE or TRUST_PROXY=true (no secret has a default).
# HOST 0.0.0.0: the container's port is reached from outside the container.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    STATIC_DIR=/app/web/dist \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
# seeds/jurisdictions.json: the jurisdiction facts loaded into empty tables at start (found
# next to package.json).
COPY seeds/jurisdictions.json seeds/
COPY --from=build /src/dist/ormconfig.js dist/
COPY --from=build /src/dist/src dist/src
COPY --from=build /src/dist/seeds dist/seeds
COPY --from=build /src/dist/scripts/migrate.js /src/dist/scripts/worker.js /src/dist/scripts/retention.js dist/scripts/
COPY --from=build /src/web/dist web/dist
# Root owns the files; the hub runs as the image's unprivileged user and writes nothing here.
USER node
EXPOSE 4000
# /health: the process is up (a load balancer asks /ready, which also checks the database).
# Over HTTPS when the hub speaks TLS itself (its own certificate: not verified here).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "const s=process.env.TLS_CERT_FILE?require('https'):require('http');s.get({host:'127.0.0.1',port:process.env.PORT||4000,path:'/health',rejectUnauthorized:false,timeout:4000},(r)=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# The heap flags of npm start (README, Operations); raise --max-old-space-size with
# MAX_CONCURRENT_OPERATIONS. SIGTERM drains (in-flight requests finish, then the pool closes).
# Other commands: node dist/scripts/migrate.js, node dist/scripts/worker.js,
# node dist/scripts/retention.js [--dry-run], node dist/seeds/run.js (the demo world).
CMD ["node", "--max-semi-space-size=48", "--max-old-space-size=256", "dist/src/main.js"]
