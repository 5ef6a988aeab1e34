# syntax=docker/dockerfile:1
# tripline in a container: one static binary on an empty base, run as an
# unprivileged user, `tripline` as the entrypoint:
#
#   docker build -t tripline .
#   docker run --rm -v "$PWD:/work:ro" tripline check .
#
# By default the binary is built from this checkout (musl, static). The
# release workflow builds the image from the release's own static archives
# instead, with no compiler (`--build-arg BINARY=prebuilt`, the archives'
# binaries in `dist/amd64/tripline` and `dist/arm64/tripline`), so the
# image runs the very binary the release ships.
ARG BINARY=source

# The newest stable Rust on Alpine: musl, so the binary is static.
FROM rust:1-alpine AS source
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --locked --profile dist --bin tripline \
    && mkdir /out && cp target/dist/tripline /out/tripline

FROM scratch AS prebuilt
ARG TARGETARCH
COPY dist/${TARGETARCH}/tripline /out/tripline

FROM ${BINARY} AS binary

FROM scratch
COPY --from=binary --chmod=0755 /out/tripline /usr/local/bin/tripline
# No shell, no package manager, no root: nobody's uid and gid.
USER 65534:65534
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/tripline"]
CMD ["check", "."]
