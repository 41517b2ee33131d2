package dev.veil.activities.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code ip} rule keeps an address's class: over many random addresses of every special range
 * (and public ones), each result lies in the same most specific range as its input (public stays
 * public), the family is kept, and distinct inputs give distinct outputs.
 */
class IpRuleTest {

  private static final MaskingKey KEY = MaskingKey.of("unit-test-key-0123456789");
  private static final int PER_CLASS = 2_000;

  private final ValueTransform ip =
      Rules.find("ip").create(Map.of(),
          new RuleContext(KEY, "col", text -> text.getBytes(StandardCharsets.UTF_8)));
  private final Random random = new Random(42);

  @Test
  void everyIpv4AddressKeepsItsClassAndDistinctAddressesStayDistinct() throws Exception {
    checkFamily(IpRule.V4_RANGES, 4);
  }

  @Test
  void everyIpv6AddressKeepsItsClassAndDistinctAddressesStayDistinct() throws Exception {
    checkFamily(IpRule.V6_RANGES, 16);
  }

  @Test
  void privateTenStaysInTenAndIsNeverPublicOrMulticast() throws Exception {
    for (int i = 0; i < PER_CLASS; i++) {
      String in = "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
      InetAddress out = InetAddress.getByName(apply(in));
      assertTrue(out.isSiteLocalAddress() && apply(in).startsWith("10."), in + " -> " + out);
    }
  }

  @Test
  void loopbackLinkLocalAndMulticastStaySoAndMulticastKeepsItsScope() throws Exception {
    assertTrue(InetAddress.getByName(apply("127.0.0.1")).isLoopbackAddress());
    assertTrue(InetAddress.getByName(apply("169.254.10.20")).isLinkLocalAddress());
    assertTrue(InetAddress.getByName(apply("239.1.2.3")).isMulticastAddress());
    assertTrue(InetAddress.getByName(apply("fe80::1:2")).isLinkLocalAddress());
    String multicast = apply("ff05::1:3");
    assertTrue(InetAddress.getByName(multicast).isMCSiteLocal(), multicast);
    assertTrue(InetAddress.getByName(apply("::1")).isLoopbackAddress(), "IPv6 has one loopback");
    String mapped = apply("::ffff:192.168.1.7");
    assertTrue(mapped.startsWith("::ffff:192.168."), mapped);
  }

  private void checkFamily(List<IpRule.Range> ranges, int length) throws Exception {
    Map<String, String> seen = new HashMap<>();
    for (int cls = -1; cls < ranges.size(); cls++) {
      Set<String> inputs = new HashSet<>();
      for (int i = 0; i < PER_CLASS; i++) {
        byte[] address = randomIn(cls < 0 ? null : ranges.get(cls), length);
        if (IpRule.classOf(address, ranges) != cls || isMapped(address)) {
          continue; // fell into a nested range (or is IPv4-mapped): counted with that one
        }
        String in = IpRule.format(address);
        inputs.add(in);
        String out = apply(in);
        byte[] parsed = IpRule.parse(out);
        assertNotNull(parsed, out);
        assertEquals(length, parsed.length, in + " -> " + out + ": family changed");
        assertEquals(cls, IpRule.classOf(parsed, ranges),
            in + " -> " + out + ": class changed");
        String before = seen.put(out, in);
        assertTrue(before == null || before.equals(in), before + " and " + in + " -> " + out);
      }
      int hostBits = cls < 0 ? length * 8 : length * 8 - ranges.get(cls).keep();
      if (hostBits >= 16) {
        assertTrue(inputs.size() > PER_CLASS / 4, "too few samples of class " + cls);
        long changed = inputs.stream().filter(in -> !in.equals(apply(in))).count();
        assertTrue(changed > inputs.size() * 0.99, "class " + cls + ": addresses left as they were");
      }
    }
  }

  private byte[] randomIn(IpRule.Range range, int length) {
    byte[] address = new byte[length];
    random.nextBytes(address);
    if (range == null) {
      return address;
    }
    for (int bit = 0; bit < range.bits(); bit++) {
      int mask = 0x80 >>> (bit % 8);
      address[bit / 8] = (byte) ((address[bit / 8] & ~mask) | (range.prefix()[bit / 8] & mask));
    }
    return address;
  }

  private static boolean isMapped(byte[] a) {
    if (a.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private String apply(String in) {
    byte[] out = ip.apply(in.getBytes(StandardCharsets.UTF_8));
    assertNotEquals(null, out);
    return new String(out, StandardCharsets.UTF_8);
  }
}
