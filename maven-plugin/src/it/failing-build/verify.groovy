def log = new File(basedir, 'build.log').text
assert log.contains('Started sleeper')
assert log.contains('Always fails!') || log.contains('AlwaysFail')
assert !log.contains('Stopped sleeper') : 'stop ran, so this did not test a build that failed before it'
evaluate(new File(leftoversScript))
