# syntax=docker/dockerfile:1

# ---- build --------------------------------------------------------------------------------
FROM rust:1.95-slim-bookworm AS build
WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when Cargo.toml/Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src

# The service itself (migrations are embedded in the binary). The image has no .git: pass the
# commit for `--version`, `/health/live` and `debrief_build_info` (docker build --build-arg
# DEBRIEF_GIT_COMMIT=$(git rev-parse --short=12 HEAD)).
ARG DEBRIEF_GIT_COMMIT=unknown
ENV DEBRIEF_GIT_COMMIT=${DEBRIEF_GIT_COMMIT}
COPY build.rs ./
COPY src ./src
COPY migrations ./migrations
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked \
    && install -D -m 0755 target/release/debrief /out/debrief \
    && mkdir -p /out/data

# ---- runtime ------------------------------------------------------------------------------
# distroless: glibc and CA certificates, no shell, runs as uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/debrief /usr/local/bin/debrief
COPY --from=build --chown=65532:65532 /out/data /var/lib/debrief

ENV DEBRIEF_LISTEN=0.0.0.0:8080 \
    DEBRIEF_DATA_DIR=/var/lib/debrief \
    DEBRIEF_LOG_FORMAT=json
USER 65532:65532
EXPOSE 8080
VOLUME ["/var/lib/debrief"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/debrief", "health"]
ENTRYPOINT ["/usr/local/bin/debrief"]
CMD ["serve"]
