package dev.veil.app.resources;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web dashboard: plain HTML/JS from the classpath ({@code /dashboard/}), served at {@code /}.
 * Static and public; the page asks for the API token and sends it with every API call.
 */
@Path("/")
@PermitAll
public class DashboardPageResource {

  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "dashboard.js", "text/javascript; charset=utf-8",
          "dashboard.css", "text/css; charset=utf-8");

  @GET
  public Response index() {
    return file("index.html");
  }

  @GET
  @Path("/ui/{file}")
  public Response file(@PathParam("file") String name) {
    String type = FILES.get(name);
    if (type == null) {
      throw new NotFoundException();
    }
    try (InputStream in = getClass().getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        throw new NotFoundException();
      }
      return Response.ok(in.readAllBytes(), type)
          .header("Cache-Control", "no-cache")
          .header("X-Content-Type-Options", "nosniff")
          .header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
