// Shared by the failing projects' verify.groovy: after the build, no process of the project's container may be left.
// Checked from outside the engine, in /proc: the container's shell carries a marker naming the project's directory.
// No event tells an observer outside the Maven JVM that another engine's processes ended, so this polls, within a
// generous bound (the machine is shared and loaded).
def markers = ['stevedore-it-marker:' + basedir.canonicalPath, 'stevedore-it-marker:' + basedir.absolutePath]
def running = {
    new File('/proc').listFiles().findAll { it.name ==~ /\d+/ }.findAll { dir ->
        try {
            new String(new File(dir, 'cmdline').bytes, 'UTF-8').replace('\u0000' as char, ' ' as char).with { line -> markers.any { line.contains(it) } }
        } catch (IOException gone) {
            false
        }
    }.collect { it.name }
}
// On Docker, a container stopped but not removed is left too: ask dockerd itself (the docker CLI) for every container.
def dockerHost = binding.hasVariable('dockerHost') ? binding.getVariable('dockerHost') : ''
def inDocker = {
    if (!dockerHost) {
        return []
    }
    def ps = ['docker', '-H', dockerHost, 'ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Command}}'].execute()
    def out = ps.text
    assert ps.waitFor() == 0 : "docker ps -a on $dockerHost failed: ${ps.err.text}"
    out.readLines().findAll { line -> markers.any { line.contains(it) } }.collect { 'container ' + it.split(' ')[0] }
}
def deadline = System.currentTimeMillis() + 120_000
def left = running() + inDocker()
while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
    Thread.sleep(200)
    left = running() + inDocker()
}
assert left.isEmpty() : "the project's container is still there after the build: $left (pids, or dockerd's containers)"
