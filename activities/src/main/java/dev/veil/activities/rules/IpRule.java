package dev.veil.activities.rules;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A keyed IP address of the same family: the address bytes go through a keyed permutation
 * (unique for unique inputs); an inet column keeps its netmask length. Text that is not an IP
 * literal becomes a keyed address in 10.0.0.0/8.
 */
public final class IpRule extends RuleType {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");

  IpRule() {
    super("ip", "keyed IPv4/IPv6 address of the same family (text or inet)", Set.of());
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
    KeyedPermutation permutation = new KeyedPermutation(context.requireKey(name()).derive("ip"));
    KeyedHash fallback = context.requireKey(name()).keyedHash("ip/fallback");
    if (context.type().kind() == PgKind.INET) {
      return value -> {
        PgBinary.Inet inet = PgBinary.readInet(value);
        return PgBinary.writeInet(
            new PgBinary.Inet(permutation.permuteBytes(inet.address()), inet.bits(), inet.cidr()));
      };
    }
    return value -> {
      String text = Bytes.text(value).trim();
      byte[] address = parse(text);
      if (address == null) {
        byte[] d = fallback.hash(value);
        return Bytes.utf8("10." + (d[0] & 0xff) + "." + (d[1] & 0xff) + "." + (d[2] & 0xff));
      }
      byte[] out = permutation.permuteBytes(address);
      try {
        return Bytes.utf8(InetAddress.getByAddress(out).getHostAddress());
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    };
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
        byte[] out = InetAddress.getByName(text).getAddress(); // a literal: no lookup
        return out.length == 16 ? out : null;
      } catch (UnknownHostException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
