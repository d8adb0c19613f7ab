# The mosic-stream CLI as an image for track jobs (Kubernetes, Slurm with a container runtime) and CPU training.
#   docker build -t mosic-stream .
#   docker run --rm -v "$PWD:/work" mosic-stream track -p pipelines/ytvos.json --shard 0/8
# The build stage runs scripts/publish.sh (the same command scripts/check-publish.sh proves runnable from an empty
# folder, which is what CI checks where no container engine is available).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh /app

# Ubuntu 24.04 (noble): .NET 10 ships no Debian images (dotnet/dotnet-docker#6526), so the image is not the Debian 12
# of the build machines. ffmpeg for decoding, libgtk-3-0t64 (noble's name for libgtk-3-0; + libatomic1, libdrm2) for
# OpenCvSharp's native runtime, libgomp1 for LibTorch. The .NET runtime comes with the base image.
FROM mcr.microsoft.com/dotnet/runtime:10.0-noble
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg libgtk-3-0t64 libatomic1 libdrm2 libgomp1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /opt/mosic-stream
RUN ln -s /opt/mosic-stream/mosic-stream /usr/local/bin/mosic-stream
WORKDIR /work
ENTRYPOINT ["mosic-stream"]
CMD ["--help"]
