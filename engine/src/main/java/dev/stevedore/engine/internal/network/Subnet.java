package dev.stevedore.engine.internal.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 subnet in CIDR form ({@code 10.199.3.0/24}): the arithmetic the address pool and the
 * allocator need, on addresses held as unsigned 32-bit values in an {@code int}.
 *
 * @param base         the first address (host bits zero)
 * @param prefixLength 0 to 32
 */
record Subnet(int base, int prefixLength) implements Comparable<Subnet> {

    Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not between 0 and 32");
        }
        if ((base & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException(format(base) + "/" + prefixLength + " has host bits set; the subnet is "
                    + format(base & mask(prefixLength)) + "/" + prefixLength);
        }
    }

    /** Parses {@code a.b.c.d/n}; host bits must be zero. */
    static Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("subnet \"" + cidr + "\" is not in CIDR form a.b.c.d/n");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("subnet \"" + cidr + "\" is not in CIDR form a.b.c.d/n", e);
        }
        return new Subnet(parseAddress(cidr.substring(0, slash)), prefix);
    }

    /** Parses a dotted-quad IPv4 address (exactly four decimal parts, each 0..255). */
    static int parseAddress(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("\"" + dotted + "\" is not an IPv4 address a.b.c.d");
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("\"" + dotted + "\" is not an IPv4 address a.b.c.d");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("\"" + dotted + "\" is not an IPv4 address a.b.c.d");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    static Inet4Address inet(int address) {
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    int mask() {
        return mask(prefixLength);
    }

    /** The number of addresses, network and broadcast included. */
    long size() {
        return 1L << (32 - prefixLength);
    }

    int last() {
        return base | ~mask();
    }

    boolean contains(int address) {
        return (address & mask()) == base;
    }

    boolean overlaps(Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (base & mask(shorter)) == (other.base & mask(shorter));
    }

    /** The gateway Stevedore gives a network: the first usable address. */
    int gateway() {
        return base + 1;
    }

    /** The host addresses containers may get: after the gateway, before the broadcast address. */
    int firstHost() {
        return base + 2;
    }

    int lastHost() {
        return last() - 1;
    }

    @Override
    public int compareTo(Subnet other) {
        int byBase = Integer.compareUnsigned(base, other.base);
        return byBase != 0 ? byBase : Integer.compare(prefixLength, other.prefixLength);
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefixLength;
    }
}
