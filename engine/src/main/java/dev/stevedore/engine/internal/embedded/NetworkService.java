package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;

import java.util.List;

/** Networks in the embedded engine: bridges, addresses, names; to be built (issue 4). */
final class NetworkService {
    private final EngineSettings settings;

    NetworkService(EngineSettings settings) {
        this.settings = settings;
    }

    private static UnsupportedOperationException notYet() {
        return new UnsupportedOperationException("networks are not yet built in the embedded engine");
    }

    NetworkInfo create(NetworkSpec spec) { throw notYet(); }
    NetworkInfo inspect(String network) { throw notYet(); }
    List<NetworkInfo> list() { throw notYet(); }
    void remove(String network) { throw notYet(); }
    void connect(String network, String container, List<String> aliases) { throw notYet(); }
    void disconnect(String network, String container) { throw notYet(); }
}
