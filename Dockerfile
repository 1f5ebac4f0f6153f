# syntax=docker/dockerfile:1
# One Dockerfile for every service. SERVICE is the folder under services/ (the kebab-case service
# name); the image runs that folder's one project:
#
#   docker build --build-arg SERVICE=identity-resolution -t platform/identity-resolution:dev .
#
# Needs BuildKit (the default builder since Docker 23): the NuGet cache is a cache mount.

# The SDK must satisfy global.json (10.0.401, latest feature band); pin an exact SDK image with
# --build-arg DOTNET_SDK_VERSION=10.0.4xx if the 10.0 tag ever lags behind it.
ARG DOTNET_SDK_VERSION=10.0
ARG DOTNET_RUNTIME_VERSION=10.0
ARG NODE_VERSION=20-bookworm-slim

# The Sync Command Center (web/): built once, copied into the gateway's image as wwwroot/ (the gateway serves it at /).
FROM node:${NODE_VERSION} AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,id=platform-npm,target=/root/.npm npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION} AS build
ARG SERVICE
# The trailing slash matters: the gateway's HintPath is $(NuGetPackageRoot)yarp.reverseproxy/...
ENV NUGET_PACKAGES=/root/.nuget/packages/
WORKDIR /src
# Only what a service build reads: the build settings (.editorconfig too, because code style is
# enforced in the build), the shared libraries and the one service. tests/ stays out.
COPY global.json nuget.config Directory.Build.props Directory.Packages.props .editorconfig ./
COPY shared/ shared/
COPY services/Directory.Build.props services/
COPY services/${SERVICE}/ services/${SERVICE}/
# Restore and publish in one step: the gateway references YARP by its path in the NuGet cache.
RUN --mount=type=cache,id=platform-nuget,target=/root/.nuget/packages \
    set -eu; \
    if [ -z "${SERVICE}" ]; then \
        echo "error: pass --build-arg SERVICE=<folder under services/>" >&2; exit 1; \
    fi; \
    set -- services/"${SERVICE}"/*.csproj; \
    if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then \
        echo "error: services/${SERVICE}/ must hold exactly one .csproj" >&2; exit 1; \
    fi; \
    dotnet restore "$1"; \
    dotnet publish "$1" --no-restore -c Release -o /app -p:UseAppHost=false; \
    test "$(find /app -maxdepth 1 -name '*.runtimeconfig.json' | wc -l)" -eq 1
COPY --from=web /web/dist/ /web-dist/
RUN if [ "${SERVICE}" = gateway ]; then cp -r /web-dist /app/wwwroot; fi

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="${SERVICE}" \
      org.opencontainers.image.description="customer-data platform service ${SERVICE}"
# Urls, not ASPNETCORE_URLS: every appsettings.json sets Urls, which would win over ASPNETCORE_URLS.
ENV Urls=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    PLATFORM_SERVICE=${SERVICE}
WORKDIR /app
# Owned by root and read-only to the app user.
COPY --from=build /app/ ./
COPY --chmod=0755 scripts/docker/entrypoint.sh /usr/local/bin/platform-entrypoint
COPY --chmod=0755 scripts/docker/healthcheck.sh /usr/local/bin/healthcheck
# The base image's unprivileged "app" user (uid 1654; k8s/ sets the same runAsUser).
USER $APP_UID
# 8080: the API and health; 9464: /metrics when Telemetry__MetricsPort=9464 (k8s/).
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 CMD ["healthcheck", "/health/ready"]
ENTRYPOINT ["platform-entrypoint"]
