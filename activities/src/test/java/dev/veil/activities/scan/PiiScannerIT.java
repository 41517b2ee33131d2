package dev.veil.activities.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.scan.ColumnFinding;
import dev.veil.workflows.scan.ScanReport;
import dev.veil.workflows.scan.ScanRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.datafaker.Faker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scanner on a generated database with known PII columns and decoys ({@code email_verified
 * boolean}, {@code phone_count int}, {@code phone_model text}, …): precision and recall at least
 * 0.9, printed; the report and suggested rules hold no sampled value.
 */
class PiiScannerIT {

  private static ConnectionSettings db;
  private static final Set<String> PII = Set.of(
      "public.customers.email", "public.customers.phone", "public.customers.first_name",
      "public.customers.last_name", "public.customers.full_name", "public.customers.ssn",
      "public.customers.card_number", "public.customers.iban", "public.customers.last_login_ip",
      "public.customers.signup_ip", "public.customers.street", "public.customers.city",
      "public.customers.dob", "public.customers.contact", "public.customers.holder",
      "public.orders.customer_email", "public.orders.shipping_address", "public.events.client");
  private static final List<String> SAMPLED_VALUES = new java.util.ArrayList<>();

  @BeforeAll
  static void database() throws Exception {
    db = TestPostgres.createDatabase("veil_scan");
    Faker faker = new Faker(Locale.US, new Random(11));
    try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id serial PRIMARY KEY, email text UNIQUE,"
          + " email_verified boolean, phone text, phone_count int, phone_model text,"
          + " first_name text, last_name text, full_name text, ssn text, card_number text,"
          + " iban text, last_login_ip inet, signup_ip text, street text, city text, dob date,"
          + " contact text, holder text, status text, sku text, amount numeric(10,2),"
          + " created_at timestamptz, notes text, country_code text, version text)");
      s.execute("CREATE TABLE orders (id serial PRIMARY KEY, customer_email text,"
          + " shipping_address text, quantity int, tracking_code text)");
      s.execute("CREATE TABLE events (id bigserial PRIMARY KEY, client text, kind text)");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (email, email_verified,"
          + " phone, phone_count, phone_model, first_name, last_name, full_name, ssn, card_number,"
          + " iban, last_login_ip, signup_ip, street, city, dob, contact, holder, status, sku,"
          + " amount, created_at, notes, country_code, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?::inet, ?, ?, ?, ?::date, ?, ?, ?, ?, ?, now(), ?, ?, ?)")) {
        for (int i = 0; i < 400; i++) {
          String first = faker.name().firstName();
          String last = faker.name().lastName();
          int k = 1;
          ps.setString(k++, faker.internet().emailAddress() + i);
          ps.setString(k - 1, i + "." + faker.internet().emailAddress());
          ps.setBoolean(k++, i % 2 == 0);
          ps.setString(k++, faker.phoneNumber().cellPhone());
          ps.setInt(k++, i % 3);
          ps.setString(k++, faker.options().option("iPhone 14", "Pixel 8", "Galaxy S23", "Moto G"));
          ps.setString(k++, first);
          ps.setString(k++, last);
          ps.setString(k++, first + " " + last);
          ps.setString(k++, faker.idNumber().ssnValid());
          ps.setString(k++, faker.finance().creditCard().replace("-", " "));
          ps.setString(k++, faker.finance().iban("DE"));
          ps.setString(k++, faker.internet().ipV4Address());
          ps.setString(k++, i % 2 == 0 ? faker.internet().ipV4Address() : faker.internet().ipV6Address());
          ps.setString(k++, faker.address().streetAddress());
          ps.setString(k++, faker.address().city());
          ps.setString(k++, "19" + (50 + i % 49) + "-0" + (1 + i % 9) + "-1" + (i % 9));
          ps.setString(k++, faker.internet().emailAddress());
          ps.setString(k++, faker.name().firstName() + " " + faker.name().lastName());
          ps.setString(k++, faker.options().option("active", "pending", "closed"));
          ps.setString(k++, "SKU-" + faker.number().digits(6));
          ps.setBigDecimal(k++, new java.math.BigDecimal(faker.number().digits(4) + ".25"));
          ps.setString(k++, faker.lorem().sentence());
          ps.setString(k++, faker.options().option("US", "DE", "FR"));
          ps.setString(k++, faker.number().digit() + "." + faker.number().digit() + "." + faker.number().digit());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO orders (customer_email, shipping_address, quantity, tracking_code)"
              + " VALUES (?, ?, ?, ?)")) {
        for (int i = 0; i < 300; i++) {
          ps.setString(1, faker.internet().emailAddress());
          ps.setString(2, faker.address().streetAddress() + ", " + faker.address().city());
          ps.setInt(3, 1 + i % 5);
          ps.setString(4, faker.regexify("[A-Z0-9]{12}"));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      s.execute("INSERT INTO events (client, kind) SELECT '10.' || (g % 250) || '.' || (g % 199)"
          + " || '.' || (g % 97), 'click' FROM generate_series(1, 60000) g");
      c.commit();
      c.setAutoCommit(true);
      s.execute("ANALYZE");
      // remember sampled values to prove none reaches the report
      try (java.sql.ResultSet rs = s.executeQuery(
          "SELECT email, phone, full_name, ssn, card_number, iban FROM customers LIMIT 50")) {
        while (rs.next()) {
          for (int i = 1; i <= 6; i++) {
            SAMPLED_VALUES.add(rs.getString(i));
          }
        }
      }
    }
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(db);
  }

  @Test
  void findsKnownPiiColumnsWithPrecisionAndRecallOfAtLeastNinetyPercent() throws Exception {
    ScanReport report;
    try (Connection c = TestPostgres.connect(db)) {
      report = new PiiScanner().scan(c, new ScanRequest("test", List.of("public"), 200),
          () -> {});
    }
    Set<String> found = report.findings().stream()
        .map(f -> f.table() + "." + f.column()).collect(Collectors.toSet());
    Set<String> truePositives = new HashSet<>(found);
    truePositives.retainAll(PII);
    double precision = (double) truePositives.size() / found.size();
    double recall = (double) truePositives.size() / PII.size();
    Set<String> falsePositives = new HashSet<>(found);
    falsePositives.removeAll(PII);
    Set<String> missed = new HashSet<>(PII);
    missed.removeAll(found);
    System.out.printf(Locale.ROOT, "PII scanner: %d findings, precision %.3f, recall %.3f"
        + " (false positives %s, missed %s)%n", found.size(), precision, recall, falsePositives,
        missed);
    System.out.print(report.suggestedRules());
    assertTrue(precision >= 0.9, "precision " + precision + ", false positives " + falsePositives);
    assertTrue(recall >= 0.9, "recall " + recall + ", missed " + missed);
    assertEquals(3, report.tables());
    for (String decoy : List.of("email_verified", "phone_count", "phone_model", "status", "sku")) {
      assertFalse(found.contains("public.customers." + decoy), decoy + " is a decoy");
    }
  }

  @Test
  void looksInsideJsonbDocumentsAndFreeTextAndSuggestsARunnablePipeline() throws Exception {
    ScanReport report;
    try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA support");
      s.execute("CREATE TABLE support.tickets (id int PRIMARY KEY, body text, payload jsonb)");
      s.execute("INSERT INTO support.tickets SELECT g,"
          + " CASE WHEN g % 5 = 0 THEN 'please call me at +1 555 0100 ' || lpad(g::text, 3, '0')"
          + "   || ' or mail agent' || g || '@help.test, thanks' ELSE 'printer on floor 3 is out"
          + " of paper again' END,"
          + " jsonb_build_object('channel', 'web', 'contact', jsonb_build_object('emails',"
          + "   jsonb_build_array('user' || g || '@mail.test')), 'tags', jsonb_build_array('vip'))"
          + " FROM generate_series(1, 200) g");
      s.execute("ANALYZE support.tickets");
      report = new PiiScanner().scan(c, new ScanRequest("prod-db", List.of("support"), 200),
          () -> {});
    }
    ColumnFinding payload = report.findings().stream()
        .filter(f -> f.column().equals("payload")).findFirst().orElseThrow();
    assertEquals("json", payload.rule());
    assertEquals(java.util.Map.of("$.contact.emails", "email"), payload.params(),
        "the path of the e-mail leaves, not the channel or tags");
    ColumnFinding body = report.findings().stream()
        .filter(f -> f.column().equals("body")).findFirst().orElseThrow();
    assertEquals("regex_replace", body.rule());
    assertEquals("free_text:email+phone", body.kind());
    assertEquals(40, body.matched(), "every fifth of 200 tickets");
    String pipeline = report.suggestedPipeline();
    assertTrue(pipeline.contains("id: prod-db-twin\n"), pipeline);
    assertTrue(pipeline.contains("source: {connection: prod-db, schemas: [support]}"), pipeline);
    assertTrue(pipeline.contains("verify: {mode: fail"), pipeline);
    assertTrue(pipeline.contains("support.tickets.payload:"), pipeline);
    assertTrue(pipeline.contains("'$.contact.emails': email"), pipeline);
    assertFalse(pipeline.contains("@mail.test") || pipeline.contains("@help.test"), pipeline);
    // the file passes the strict loader and the spec validator
    dev.veil.workflows.spec.PipelineSpec spec = dev.veil.activities.config.SpecLoader.parseValid(
        pipeline, dev.veil.activities.config.SpecFormat.YAML);
    assertEquals("prod-db-twin", spec.id());
    assertEquals(dev.veil.workflows.spec.VerifySpec.VerifyMode.fail, spec.verify().mode());
    assertEquals("regex_replace", spec.rules().get("support.tickets.body").rule());
  }

  @Test
  void reportSuggestsFittingRulesAndHoldsNoSampledValue() throws Exception {
    ScanReport report;
    try (Connection c = TestPostgres.connect(db)) {
      report = new PiiScanner().scan(c, new ScanRequest("test", List.of("public"), 200),
          () -> {});
    }
    ColumnFinding email = report.findings().stream()
        .filter(f -> f.column().equals("email")).findFirst().orElseThrow();
    assertEquals("email", email.kind());
    assertEquals("email", email.rule(), "email keeps distinct values distinct: fine on UNIQUE");
    assertEquals(List.of("name", "content"), email.signals());
    ColumnFinding card = report.findings().stream()
        .filter(f -> f.column().equals("card_number")).findFirst().orElseThrow();
    assertEquals("credit_card", card.rule());
    ColumnFinding contact = report.findings().stream()
        .filter(f -> f.column().equals("contact")).findFirst().orElseThrow();
    assertEquals(List.of("content"), contact.signals());
    assertTrue(report.suggestedRules().startsWith("rules:\n  public.customers.card_number:"),
        report.suggestedRules());
    assertTrue(report.suggestedRules().contains("{rule: truncate_date, to: year}"));
    String everything = report.toString() + report.suggestedRules();
    for (String value : SAMPLED_VALUES) {
      assertFalse(everything.contains(value), "a sampled value reached the report");
    }
  }

  @Test
  void anUnknownSchemaIsRejectedByName() throws Exception {
    try (Connection c = TestPostgres.connect(db)) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> new PiiScanner().scan(c,
              new ScanRequest("test", List.of("nope"), 100), () -> {}));
      assertEquals("schemas: no schema nope in the database", e.getMessage());
    }
  }
}
