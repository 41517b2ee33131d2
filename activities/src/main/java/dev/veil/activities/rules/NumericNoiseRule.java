package dev.veil.activities.rules;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keyed noise: adds up to ±{@code percent}% of the value, or up to ±{@code absolute}, chosen by
 * the HMAC of the value (so the same value always moves the same way). Keeps the type: integers
 * stay integers within their range, numerics keep their scale.
 */
final class NumericNoiseRule extends RuleType {
  NumericNoiseRule() {
    super("numeric_noise", "keyed noise of up to ±percent% or ±absolute; keeps type and scale",
        Set.of("percent", "absolute"));
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.INT2, PgKind.INT4, PgKind.INT8, PgKind.FLOAT4, PgKind.FLOAT8,
        PgKind.NUMERIC);
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    boolean percent = given.containsKey("percent");
    boolean absolute = given.containsKey("absolute");
    if (percent == absolute) {
      errors.add("percent: give exactly one of percent or absolute");
      return;
    }
    doubleParam(given, "percent", 0.000001, 1000, errors);
    doubleParam(given, "absolute", 0.000001, 1e15, errors);
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("numeric_noise");
    boolean percent = params.containsKey("percent");
    double amount = Double.parseDouble(params.get(percent ? "percent" : "absolute").trim());
    double fraction = percent ? amount / 100 : 0;
    PgKind kind = context.type().kind();
    return switch (kind) {
      case INT2, INT4, INT8 -> {
        int bytes = kind == PgKind.INT2 ? 2 : kind == PgKind.INT4 ? 4 : 8;
        long min = bytes == 2 ? Short.MIN_VALUE : bytes == 4 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = bytes == 2 ? Short.MAX_VALUE : bytes == 4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        yield value -> {
          long v = PgBinary.readInteger(value);
          double noise = Bytes.signedUnit(mac.hash(value)) * (percent ? Math.abs(v) * fraction : amount);
          double shifted = Math.rint(v + noise);
          long out = shifted >= max ? max : shifted <= min ? min : (long) shifted;
          return PgBinary.writeInteger(out, bytes);
        };
      }
      case FLOAT4, FLOAT8 -> value -> {
        double v = PgBinary.readFloat(value);
        if (!Double.isFinite(v)) {
          return value;
        }
        double noise = Bytes.signedUnit(mac.hash(value)) * (percent ? Math.abs(v) * fraction : amount);
        return PgBinary.writeFloat(v + noise, value.length);
      };
      case NUMERIC -> value -> {
        BigDecimal v = PgBinary.readNumeric(value);
        if (v == null) {
          return value; // NaN and infinities stay
        }
        double unit = Bytes.signedUnit(mac.hash(value));
        BigDecimal noise = percent
            ? v.abs().multiply(BigDecimal.valueOf(unit * fraction))
            : BigDecimal.valueOf(unit * amount);
        return PgBinary.writeNumeric(v.add(noise), PgBinary.numericScale(value));
      };
      default -> throw new IllegalArgumentException("numeric_noise cannot read " + kind);
    };
  }
}
