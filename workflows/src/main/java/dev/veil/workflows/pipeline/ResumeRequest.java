package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Argument of the {@code resume} signal; {@code reason} is for the log and may be null. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResumeRequest(String reason) {}
