package dev.stevedore.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One {@code --add-host} entry, {@code name:address}: split at the first colon as Docker does, so an IPv6 address
 * follows the name as it is ({@code db:fd00::5}). The address is a literal IPv4 or IPv6 address, or
 * {@value #HOST_GATEWAY}, which stands for where the container reaches the host.
 *
 * @param name    the host name
 * @param address an IP address literal, or {@value #HOST_GATEWAY}
 */
public record ExtraHost(String name, String address) {
    /** Docker's special address: the host, as the container reaches it. */
    public static final String HOST_GATEWAY = "host-gateway";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern NAME = Pattern.compile("[^\\s#]+");

    /** Parses {@code name:address}; an entry without a name or with another address is refused with it. */
    public static ExtraHost parse(String entry) {
        int colon = entry.indexOf(':');
        if (colon <= 0 || !NAME.matcher(entry.substring(0, colon)).matches()) {
            throw new IllegalArgumentException("bad format for add-host: \"" + entry + "\" (use name:address)");
        }
        String address = entry.substring(colon + 1);
        return new ExtraHost(entry.substring(0, colon), address.equals(HOST_GATEWAY) ? address : address(address));
    }

    /**
     * {@code text} when it is a literal IP address (never looked up: a name is refused), as {@code --add-host} and
     * {@code --dns} take one.
     */
    public static String address(String text) {
        if (IPV4.matcher(text).matches() ? validOctets(text) : IPV6.matcher(text).matches() && ipv6(text)) {
            return text;
        }
        throw new IllegalArgumentException("invalid IP address \"" + text + "\": give a literal IPv4 or IPv6 address");
    }

    private static boolean ipv6(String text) {
        try {
            InetAddress.getByName(text); // with a colon, Java parses it as a literal and never looks it up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean validOctets(String text) {
        for (String octet : text.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
