# One image recipe for every module: docker build --build-arg MODULE=crew-service -t crewship/crew-service .
# Build the jars first (./mvnw -DskipTests package).
FROM eclipse-temurin:25-jre
ARG MODULE
RUN useradd --system --uid 10001 crewship
COPY ${MODULE}/target/${MODULE}-0.1.0-SNAPSHOT.jar /app/app.jar
USER 10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
