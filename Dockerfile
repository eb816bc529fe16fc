# symscore server image: docker build --build-arg SYMSCORE_REVISION=$(git rev-parse HEAD) -t symscore . && docker run -p 8080:8080 -v symscore-data:/var/lib/symscore symscore
# Configure with SYMSCORE_* variables or a file mounted at /etc/symscore/symscore.yaml
# (docs/packaging.md). Data (write-ahead log, snapshots) lives in the volume.

FROM golang:1.26-bookworm AS build
# The build context has no .git: the revision that symscore version and symscore_build_info
# report comes from --build-arg SYMSCORE_REVISION=$(git rev-parse HEAD) ("unknown" without).
ARG SYMSCORE_REVISION=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -ldflags "-X github.com/symscore/symscore/buildinfo.stampedRevision=${SYMSCORE_REVISION}" \
    -o /out/symscore ./cmd/symscore \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/symscore /usr/local/bin/symscore
COPY --from=build --chown=65532:65532 /out/data /var/lib/symscore
USER 65532:65532
ENV SYMSCORE_LISTEN=0.0.0.0:8080 \
    SYMSCORE_ADMIN_LISTEN=0.0.0.0:9090 \
    SYMSCORE_DATA_DIR=/var/lib/symscore \
    SYMSCORE_LOG_FORMAT=json
VOLUME ["/var/lib/symscore"]
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/symscore", "ready", "--admin-url", "http://127.0.0.1:9090"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/symscore"]
CMD ["serve"]
