# OpenMaaS as a container: a self-contained linux-x64 build (`./openmaas publish`) on Debian's runtime dependencies,
# run as a non-root user with the data folder as a volume.
#   docker build -t openmaas .
#   docker run -p 8800:8800 -v openmaas-data:/data openmaas
# Several nodes on PostgreSQL + Redis behind a proxy: deploy/compose.yaml (docs/operations.md, "Containers").

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN ./openmaas publish /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
# llama.cpp's CPU backend links OpenMP.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 openmaas && useradd --system --uid 10001 --gid openmaas --home-dir /data openmaas \
 && mkdir -p /data && chown openmaas:openmaas /data
COPY --from=build /app /app
USER openmaas
VOLUME ["/data"]
EXPOSE 8800
ENV OPENMAAS_DATA=/data
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8800 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/app/openmaas"]
CMD ["serve", "--urls", "http://0.0.0.0:8800"]
