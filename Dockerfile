# The `veil` image: the agent (worker, REST API, CLI) that the helm/veil-agent chart runs, and the
# image of the kubernetes executor's redaction pods (`veil run-task`).
#   docker build -t <registry>/veil:<version> .
# The first stage builds the shaded jar with Maven (tests run in CI: `mvn -B verify`), so a clean
# checkout is enough. Runs as uid 10001 with a read-only root filesystem in the chart and in
# redaction pods: only /tmp (and /var/log/veil in the chart) are written, both emptyDirs.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests clean package -pl worker-app -am

FROM eclipse-temurin:17-jre
# pg_dump/pg_restore for the twin's schema: from the PostgreSQL apt repository (PGDG), version 17,
# which dumps sources of PostgreSQL 17 and older (the distribution's client is older).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
      https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && . /etc/os-release \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-17 \
 && apt-get purge -y --auto-remove curl \
 && rm -rf /var/lib/apt/lists/* \
 && /usr/lib/postgresql/17/bin/pg_dump --version
ENV VEIL_PG_BIN=/usr/lib/postgresql/17/bin
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin veil \
 && printf '#!/bin/sh\nexec java ${VEIL_JAVA_OPTS:-} -jar /opt/veil/veil.jar "$@"\n' > /usr/local/bin/veil \
 && chmod 0755 /usr/local/bin/veil
COPY --from=build /src/worker-app/target/veil.jar /opt/veil/veil.jar
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080 8081
ENTRYPOINT ["veil"]
CMD ["server"]
