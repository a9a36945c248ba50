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
def deadline = System.currentTimeMillis() + 120_000
def left = running()
while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
    Thread.sleep(200)
    left = running()
}
assert left.isEmpty() : "processes of the project's container still run after the build: pids $left"
