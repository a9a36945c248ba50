def log = new File(basedir, 'build.log').text
assert log.contains('Started sleeper')
assert log.contains('fails on purpose')
assert log.contains('Stopped sleeper')
evaluate(new File(leftoversScript))
