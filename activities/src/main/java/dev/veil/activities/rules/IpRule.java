package dev.veil.activities.rules;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed IP address of the same family and the same class: an address in a special range
 * (private 10/8, 172.16/12, 192.168/16, loopback, link-local, multicast, CGNAT, documentation,
 * IPv6 ULA, link-local, multicast with its scope, …) stays in that very range, only its host bits
 * change; any other address stays outside every special range (a public address stays public).
 * Within a class the mapping is a keyed bijection (a Feistel network over the host bits, walking
 * the cycle past addresses of a nested range), so distinct inputs give distinct outputs. An IPv4
 * address mapped into IPv6 ({@code ::ffff:a.b.c.d}) keeps its IPv4 class. An inet column keeps
 * its netmask length; a cidr value gets zero host bits. Text that is not an IP literal becomes a
 * keyed address in 10.0.0.0/8.
 */
public final class IpRule extends RuleType {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final int ROUNDS = 8;

  /**
   * A special range: its prefix, and how many leading bits an address of it keeps ({@code keep}
   * ≥ {@code bits}: multicast keeps its flags and scope too).
   */
  record Range(byte[] prefix, int bits, int keep) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (prefix[full] & mask);
    }
  }

  /** IANA special-purpose IPv4 ranges (RFC 6890 and successors), plus multicast. */
  static final List<Range> V4_RANGES =
      List.of(
          range("0.0.0.0", 8),
          range("10.0.0.0", 8),
          range("100.64.0.0", 10),
          range("127.0.0.0", 8),
          range("169.254.0.0", 16),
          range("172.16.0.0", 12),
          range("192.0.0.0", 24),
          range("192.0.2.0", 24),
          range("192.88.99.0", 24),
          range("192.168.0.0", 16),
          range("198.18.0.0", 15),
          range("198.51.100.0", 24),
          range("203.0.113.0", 24),
          range("224.0.0.0", 4),
          range("240.0.0.0", 4),
          range("255.255.255.255", 32));

  /**
   * IPv6 special ranges (IPv4-mapped addresses are handled as IPv4); global unicast 2000::/3 is a
   * class of its own, so a public address stays global unicast; multicast keeps its flags and
   * scope (ffXY).
   */
  static final List<Range> V6_RANGES =
      List.of(
          range("::", 128),
          range("::1", 128),
          range("64:ff9b::", 96),
          range("100::", 64),
          range("2000::", 3),
          range("2001::", 32),
          range("2001:db8::", 32),
          range("2002::", 16),
          range("fc00::", 7),
          range("fe80::", 10),
          range("fec0::", 10),
          new Range(parse("ff00::"), 8, 16));

  IpRule() {
    super("ip", "keyed IPv4/IPv6 address of the same family and class (text or inet)", Set.of());
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.TEXT, PgKind.INET);
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    return true;
  }

  @Override
  public int maxLength(Map<String, String> params) {
    return -1;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    ClassPreserving mapping = new ClassPreserving(context.requireKey(name()).derive("ip/class"));
    KeyedHash fallback = context.requireKey(name()).keyedHash("ip/fallback");
    if (context.type().kind() == PgKind.INET) {
      return value -> {
        PgBinary.Inet inet = PgBinary.readInet(value);
        byte[] out = mapping.map(inet.address());
        if (inet.cidr()) {
          zeroHostBits(out, inet.bits());
        }
        return PgBinary.writeInet(new PgBinary.Inet(out, inet.bits(), inet.cidr()));
      };
    }
    return value -> {
      String text = Bytes.text(value).trim();
      byte[] address = parse(text);
      if (address == null) {
        byte[] d = fallback.hash(value);
        return Bytes.utf8("10." + (d[0] & 0xff) + "." + (d[1] & 0xff) + "." + (d[2] & 0xff));
      }
      return Bytes.utf8(format(mapping.map(address)));
    };
  }

  /** The text form: dotted quad, or RFC 5952 IPv6 ({@code ::ffff:a.b.c.d} for mapped IPv4). */
  static String format(byte[] address) {
    try {
      if (address.length == 16 && isV4Mapped(address)) {
        return "::ffff:" + InetAddress.getByAddress(Arrays.copyOfRange(address, 12, 16))
            .getHostAddress();
      }
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The keyed, class-keeping bijection on addresses of one family. */
  static final class ClassPreserving {
    private final Cipher aes;
    private final byte[] block = new byte[16];
    private final byte[] mixed = new byte[16];

    ClassPreserving(byte[] key) {
      try {
        aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOf(key, 16), "AES"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES unavailable", e);
      }
    }

    byte[] map(byte[] address) {
      if (address.length == 16 && isV4Mapped(address)) {
        byte[] out = address.clone();
        System.arraycopy(map(Arrays.copyOfRange(address, 12, 16)), 0, out, 12, 4);
        return out;
      }
      List<Range> ranges = address.length == 4 ? V4_RANGES : V6_RANGES;
      int cls = classOf(address, ranges);
      int prefixBits = cls < 0 ? 0 : ranges.get(cls).keep();
      byte[] x = address;
      // cycle walking: a bijection on the range, restricted to the addresses of this class
      do {
        x = permuteHostBits(x, prefixBits, cls);
      } while (classOf(x, ranges) != cls);
      return x;
    }

    /** A Feistel network over the {@code bits - prefixBits} low bits; the prefix stays. */
    private byte[] permuteHostBits(byte[] in, int prefixBits, int domain) {
      int k = in.length * 8 - prefixBits;
      if (k == 0) {
        return in.clone();
      }
      BigInteger whole = new BigInteger(1, in);
      BigInteger host = whole.and(mask(k));
      BigInteger prefix = whole.subtract(host);
      int u = k / 2;
      int v = k - u;
      long a = host.shiftRight(v).longValue();
      long b = host.and(mask(v)).longValue();
      if (u == 0) {
        b ^= round(0, k, domain, 0) & 1; // one host bit: a keyed flip
      } else {
        for (int i = 0; i < ROUNDS; i++) {
          int m = (i & 1) == 0 ? u : v;
          long c = (a + round(i, k, domain, b)) & lowMask(m);
          a = b;
          b = c;
        }
      }
      BigInteger mapped =
          BigInteger.valueOf(a)
              .and(mask(64))
              .shiftLeft(v)
              .or(new BigInteger(Long.toUnsignedString(b)))
              .or(prefix);
      byte[] raw = mapped.toByteArray();
      byte[] out = new byte[in.length];
      int copy = Math.min(raw.length, out.length);
      System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
      return out;
    }

    private long round(int i, int k, int domain, long b) {
      Arrays.fill(block, (byte) 0);
      block[0] = (byte) (0x40 | i);
      block[1] = (byte) k;
      block[2] = (byte) (domain + 1);
      for (int j = 0; j < 8; j++) {
        block[3 + j] = (byte) (b >>> (56 - 8 * j));
      }
      try {
        aes.doFinal(block, 0, 16, mixed, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES failed", e);
      }
      long r = 0;
      for (int j = 0; j < 8; j++) {
        r = (r << 8) | (mixed[j] & 0xff);
      }
      return r;
    }

    private static long lowMask(int m) {
      return m >= 64 ? -1L : (1L << m) - 1;
    }

    private static BigInteger mask(int bits) {
      return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }
  }

  /** Index of the most specific range holding the address, or -1: none (public). */
  static int classOf(byte[] address, List<Range> ranges) {
    int best = -1;
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      if (r.contains(address) && (best < 0 || r.bits() > ranges.get(best).bits())) {
        best = i;
      }
    }
    return best;
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private static void zeroHostBits(byte[] address, int bits) {
    for (int i = 0; i < address.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      address[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
    }
  }

  private static Range range(String literal, int bits) {
    byte[] prefix = parse(literal);
    if (prefix == null) {
      throw new IllegalArgumentException(literal);
    }
    return new Range(prefix, bits, bits);
  }

  /** Address bytes of an IP literal, or null; never resolves a name. */
  public static byte[] parse(String text) {
    var m = V4.matcher(text);
    if (m.matches()) {
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        int part = Integer.parseInt(m.group(i + 1));
        if (part > 255) {
          return null;
        }
        out[i] = (byte) part;
      }
      return out;
    }
    if (text.indexOf(':') >= 0 && V6.matcher(text).matches()) {
      try {
        // a literal: no lookup; Java turns ::ffff:a.b.c.d into 4 bytes, keep it IPv6
        byte[] out = InetAddress.getByName(text).getAddress();
        if (out.length == 4) {
          byte[] mapped = new byte[16];
          mapped[10] = (byte) 0xff;
          mapped[11] = (byte) 0xff;
          System.arraycopy(out, 0, mapped, 12, 4);
          return mapped;
        }
        return out.length == 16 ? out : null;
      } catch (UnknownHostException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
