# syntax=docker/dockerfile:1
# Dongming server image.
#   docker build -t dongming:TAG .
# Build context: the repository root (see .dockerignore).
#
# global.json pins SDK 10.0.401 (rollForward latestPatch): the build image must
# carry a 10.0.4xx SDK. Override SDK_IMAGE with an exact tag if the floating
# `sdk:10.0` tag ever moves to another feature band.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

# ---------------------------------------------------------------------------
FROM ${SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

COPY global.json Directory.Build.props Directory.Packages.props Dongming.sln ./
COPY protos/ protos/
COPY src/ src/

# The NuGet cache mount (BuildKit) keeps packages between builds.
RUN --mount=type=cache,id=dongming-nuget,target=/root/.nuget/packages \
    dotnet restore src/Dongming.Server/Dongming.Server.csproj

RUN --mount=type=cache,id=dongming-nuget,target=/root/.nuget/packages \
    dotnet publish src/Dongming.Server/Dongming.Server.csproj \
        -c Release \
        -o /app \
        --no-restore \
        -p:UseAppHost=false

# ---------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app

# The aspnet image sets ASPNETCORE_HTTP_PORTS=8080; Dongming binds the gRPC
# endpoint through ASPNETCORE_URLS instead (8080 is the Orleans Dashboard port).
# Everything here can be overridden by the environment (the Kubernetes
# manifests set all of it through the dongming-config ConfigMap).
ENV ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS=http://0.0.0.0:5080 \
    Dongming__DataDirectory=/tmp/dongming \
    Dongming__Http__AllowRemote=true \
    OTEL_SERVICE_NAME=dongming

# Application files stay owned by root and read-only for the app user; the only
# writable path needed is /tmp (an emptyDir in Kubernetes, the root filesystem
# being read-only there).
COPY --from=build /app ./

# grpc (HTTP/2 cleartext), Orleans silo, Orleans gateway, Prometheus metrics,
# Orleans Dashboard, HTTP/JSON (HTTP/1.1; on all interfaces of the container,
# like gRPC, also in embedded mode).
EXPOSE 5080 11111 30000 9464 8080 5081

# Non-root: the `app` user (UID/GID 1654) that the aspnet image defines as
# $APP_UID. The Kubernetes manifests use runAsUser/runAsGroup 1654 to match.
USER $APP_UID

ENTRYPOINT ["dotnet", "Dongming.Server.dll"]
