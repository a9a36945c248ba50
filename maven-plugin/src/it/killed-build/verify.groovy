def log = new File(basedir, 'build.log').text
assert log.contains('Started sleeper')
def started = new File(basedir, 'started.txt')
assert started.isFile() && !started.text.isBlank() : 'the build did not reach the kill with a running container'
assert !log.contains('BUILD') : 'Maven ended on its own, so this did not test a killed build'
def seen = new File(basedir, 'marker-pids.txt').readLines().findAll { !it.isBlank() }
assert !seen.isEmpty() : 'no process of the container was visible from outside before the kill: the check below could not fail'
evaluate(new File(leftoversScript))
