# syntax=docker/dockerfile:1
# rewardsmith: the reward server (`serve`) and the queue worker (`worker`) in one image.
# Build:  docker build -t rewardsmith .
# Run:    docker run --rm -p 8000:8000 -v "$PWD/examples:/spec:ro" rewardsmith serve --spec /spec/exact.yaml --host 0.0.0.0
# The code/sql sandbox (bubblewrap) needs user namespaces: see docs/scale.md ("Containers").

# --- build: production dependencies only (native add-ons compiled here, not in the image) ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY docs ./docs
COPY examples ./examples
COPY README.md ARCHITECTURE.md ./

# --- runtime: Node 24, bubblewrap for the sandbox, python3 for `code` rewards, tini as PID 1 ---
FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap python3 tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    REWARDSMITH_STORE=/tmp/rewardsmith-store
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The image's `node` user (uid 1000): nothing of the app is writable by it; scratch space is /tmp.
USER node
EXPOSE 8000
# Ready, not just alive: /ready answers 503 while the server drains after SIGTERM.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/rewardsmith.js"]
CMD ["serve", "--spec", "/spec/spec.yaml", "--host", "0.0.0.0", "--port", "8000", "--drain-ms", "5000"]
