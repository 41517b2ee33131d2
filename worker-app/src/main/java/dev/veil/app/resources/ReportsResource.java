package dev.veil.app.resources;

import dev.veil.app.core.RunReports;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A run's signed privacy report: {@code /api/runs/{runId}/report} (the JSON exactly as signed) and
 * {@code /runs/{runId}/report}, a small dashboard page that shows it.
 */
@Path("/")
public class ReportsResource {

  private final RunReports reports;

  public ReportsResource(RunReports reports) {
    this.reports = reports;
  }

  /** The signed report; 404 when the run has none. */
  @GET
  @Path("api/runs/{runId}/report")
  @Produces(MediaType.APPLICATION_JSON)
  public String report(@PathParam("runId") String runId) {
    return reports.find(runId).orElseThrow(() -> ApiErrors.of(Response.Status.NOT_FOUND,
        "run " + runId + " has no privacy report"));
  }

  /** The dashboard page: fetches the JSON above and lays it out. */
  @GET
  @Path("runs/{runId}/report")
  @Produces(MediaType.TEXT_HTML)
  public String page(@PathParam("runId") String runId) {
    return PAGE;
  }

  private static final String PAGE = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>Veil privacy report</title>
      <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
      td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.leak{color:#b00}
      .clean{color:#070}</style></head>
      <body><h1>Privacy report</h1><p id="head">loading…</p><h2>Tables</h2><table id="tables">
      </table><h2>Columns</h2><table id="columns"></table><p id="sig"></p>
      <script>
      const run = decodeURIComponent(location.pathname.split('/')[2]);
      const cell = (tr, text, cls) => { const td = tr.insertCell(); td.textContent = text;
        if (cls) td.className = cls; };
      fetch('/api/runs/' + encodeURIComponent(run) + '/report').then(r => {
        if (!r.ok) throw new Error('no report for this run'); return r.json(); }).then(rep => {
        document.getElementById('head').textContent = 'run ' + rep.run + ' · pipeline '
          + rep.pipeline + ' · spec ' + rep.specVersion + ' · snapshot ' + rep.sourceSnapshotTime
          + ' · Veil ' + rep.veilVersion + ' · key ' + rep.maskingKeyFingerprint
          + ' · verdict: ' + rep.verdict;
        const tables = document.getElementById('tables');
        for (const t of rep.tables) { const tr = tables.insertRow(); cell(tr, t.table);
          cell(tr, t.rows ?? '?'); cell(tr, t.subset ?? ''); }
        const columns = document.getElementById('columns');
        for (const c of rep.columns) { const tr = columns.insertRow(); cell(tr, c.column);
          cell(tr, c.rule); cell(tr, c.leakCheck, c.leakCheck === 'clean' ? 'clean' : 'leak');
          cell(tr, c.findings.map(f => f.count + ' ' + f.kind
            + (f.sourceColumn ? ' of ' + f.sourceColumn : '')).join('; ')); }
        document.getElementById('sig').textContent = rep.signature
          ? 'signed ' + rep.signature.algorithm + ', key ' + rep.signature.keyId : 'unsigned';
      }).catch(e => { document.getElementById('head').textContent = e.message; });
      </script></body></html>
      """;
}
