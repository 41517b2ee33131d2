# The `veil` image: the agent (worker, REST API, CLI) that the helm/veil-agent chart runs, and the
# image of the kubernetes executor's redaction pods (`veil run-task`).
#   mvn -B -DskipTests clean package -pl worker-app -am && docker build -t <registry>/veil:<version> .
# Runs as uid 10001 with a read-only root filesystem in the chart: only /tmp and /var/log/veil
# (emptyDirs) are written.
FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin veil \
 && printf '#!/bin/sh\nexec java ${VEIL_JAVA_OPTS:-} -jar /opt/veil/veil.jar "$@"\n' > /usr/local/bin/veil \
 && chmod 0755 /usr/local/bin/veil
COPY worker-app/target/veil.jar /opt/veil/veil.jar
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080 8081
ENTRYPOINT ["veil"]
CMD ["server"]
