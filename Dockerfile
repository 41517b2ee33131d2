# The Veil agent image: `veil server` / `veil worker` by default, `veil run-task` in redaction pods.
#
#   docker build -t veil:0.1.0 .
#   docker run --rm veil:0.1.0 --help
#
# Stage 1 builds the shaded jar with Maven (tests run in CI, not here).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY workflows/pom.xml workflows/
COPY activities/pom.xml activities/
COPY temporal-dev/pom.xml temporal-dev/
COPY worker-app/pom.xml worker-app/
COPY bench/pom.xml bench/
COPY workflows workflows
COPY activities activities
COPY temporal-dev temporal-dev
COPY worker-app worker-app
COPY bench bench
COPY pipelines pipelines
RUN mvn -B -q clean package -DskipTests -pl worker-app -am

# Stage 2: a JRE only, running as a non-root user (uid 10001, as the redaction pods expect).
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 veil \
    && useradd --system --uid 10001 --gid veil --home-dir /app --shell /usr/sbin/nologin veil
WORKDIR /app
COPY --from=build /src/worker-app/target/veil.jar /app/veil.jar
USER 10001:10001
# the pods mount an emptyDir on /tmp (the root filesystem is read-only)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/app/veil.jar"]
CMD ["server"]
