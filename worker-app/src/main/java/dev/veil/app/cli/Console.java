package dev.veil.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;

/**
 * What a command prints with: its output, its problems, and the JSON mapper of the bootstrap.
 * Commands receive this, not the application.
 */
public record Console(PrintStream out, PrintStream err, ObjectMapper objectMapper) {}
