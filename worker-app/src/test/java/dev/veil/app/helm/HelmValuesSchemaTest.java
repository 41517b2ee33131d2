package dev.veil.app.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code values.schema.json} refuses bad values files before anything is rendered, naming the value
 * and what is wrong with it.
 */
class HelmValuesSchemaTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          replicaCount: three                                                      | at '/replicaCount': got string, want integer
          connections: {shop: {database: shop, user: u, password: p}}               | at '/connections/shop': missing property 'host'
          connections: {shop: {host: h, database: d, user: u, password: changeme}}  | at '/connections/shop/password': value must be 'a real value instead of the changeme placeholder'
          connections: {shop: {host: changeme, database: d, user: u, password: p}}  | at '/connections/shop/host': value must be 'a real value instead of the changeme placeholder'
          masking: {key: changeme}                                                  | at '/masking/key': value must be 'a real masking key instead of the changeme placeholder'
          masking: {key: short}                                                     | at '/masking/key': minLength: got 5, want 16
          temporal: {address: temporal}                                             | at '/temporal/address': 'temporal' does not match pattern
          executor: {type: docker}                                                  | at '/executor/type': value must be one of 'local', 'kubernetes'
          executor: {kubernetes: {resources: {requests: {cpu: lots}}}}              | at '/executor/kubernetes/resources/requests/cpu': 'lots' does not match pattern
          tolerations: [{key: a, operator: Maybe}]                                  | at '/tolerations/0/operator': value must be one of 'Exists', 'Equal'
          replica: 2                                                                | additional properties 'replica' not allowed
          connections: {shop: {host: h, port: 70000, database: d, user: u, password: p}} | at '/connections/shop/port': maximum: got 70,000, want 65,535
          connections: {shop: {host: h, database: d, user: u, password: p, sslmode: on}} | at '/connections/shop/sslmode': value must be one of
          terminationGracePeriodSeconds: 10                                         | at '/terminationGracePeriodSeconds': minimum: got 10, want 31
          pipelines: {specs: {Shop Pipeline: {}}}                                   | invalid propertyName 'Shop Pipeline'
          """)
  void schemaRejectsBadValues(String values, String expected) throws Exception {
    Path file = Files.createTempFile("veil-bad-values", ".yaml");
    Files.writeString(file, values + "\n");
    Exception e = assertThrows(Exception.class, () -> Chart.template(file, Map.of()));
    assertTrue(
        e.getMessage().contains("values don't meet the specifications of the schema"),
        e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
