# syntax=docker/dockerfile:1
# sbom-hunt with the kubectl it drives: `docker build -t sbom-hunt .`; runs as the unprivileged `node` user.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts
COPY src ./src
# tsconfig.build.json compiles bench/ too, and bench/ builds its test images with a test helper.
COPY bench ./bench
COPY test/helpers ./test/helpers
COPY scripts/bundle.mjs ./scripts/bundle.mjs
# esbuild's binary comes as its @esbuild/<platform> package: --ignore-scripts above loses nothing.
RUN npm run build && npm prune --omit=dev

# kubectl from the Kubernetes release site, checked against the published SHA-256 before it is used.
FROM node:24-slim AS kubectl
ARG KUBECTL_VERSION=v1.32.4
ARG TARGETARCH=amd64
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSLo /kubectl "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl" \
 && curl -fsSLo /kubectl.sha256 "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl.sha256" \
 && echo "$(cat /kubectl.sha256)  /kubectl" | sha256sum -c - \
 && chmod 0755 /kubectl

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=kubectl /kubectl /usr/local/bin/kubectl
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY iocs ./iocs
# The node image's own unprivileged user (uid 1000); the CronJob also pins runAsUser 1000 and runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/sbom-hunt.js"]
CMD ["--help"]
