package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.AdvancedResources;
import dev.stevedore.engine.BlockIoLimits;
import dev.stevedore.engine.Resources;

import java.util.List;

/**
 * Inspect's {@code HostConfig} echo of the memory reservation, swappiness, per-device block I/O, OOM killer, kernel
 * memory, real-time and device-rule settings, in dockerd's shapes: the swappiness null when not set, a device list
 * null when none was asked.
 */
final class HostResources {
    private HostResources() {
    }

    static void put(ObjectNode host, Resources r) {
        host.put("MemoryReservation", r.memoryReservation());
        if (r.memorySwappiness() == null) {
            host.putNull("MemorySwappiness");
        } else {
            host.put("MemorySwappiness", r.memorySwappiness());
        }
        AdvancedResources a = r.advanced();
        host.put("MemorySwap", a.memorySwap()); // as asked: this engine fills in no default swap limit
        host.put("OomKillDisable", a.oomKillDisable());
        host.put("KernelMemory", a.kernelMemory());
        host.put("KernelMemoryTCP", a.kernelMemoryTcp());
        host.put("CpuRealtimePeriod", a.cpuRealtimePeriod());
        host.put("CpuRealtimeRuntime", a.cpuRealtimeRuntime());
        if (a.deviceCgroupRules().isEmpty()) {
            host.putNull("DeviceCgroupRules");
        } else {
            host.set("DeviceCgroupRules", Json.strings(a.deviceCgroupRules()));
        }
        BlockIoLimits b = r.blockIo();
        devices(host, "BlkioWeightDevice", "Weight", b.weights());
        devices(host, "BlkioDeviceReadBps", "Rate", b.readBps());
        devices(host, "BlkioDeviceWriteBps", "Rate", b.writeBps());
        devices(host, "BlkioDeviceReadIOps", "Rate", b.readIops());
        devices(host, "BlkioDeviceWriteIOps", "Rate", b.writeIops());
    }

    private static void devices(ObjectNode host, String field, String value, List<BlockIoLimits.Device> devices) {
        if (devices.isEmpty()) {
            host.putNull(field);
            return;
        }
        ArrayNode list = host.putArray(field);
        devices.forEach(d -> list.addObject().put("Path", d.path()).put(value, d.value()));
    }
}
