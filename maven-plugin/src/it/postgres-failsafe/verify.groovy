// The build passed the exported URL to Failsafe's JVM, whose test queried the database, and stop ran afterwards.
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log =~ /Started db \(127\.0\.0\.1:5000\/library\/postgres:15\) on .*stevedore\.db\.jdbcUrl\}=jdbc:postgresql:\/\/[^,]+:\d+\/orders/
assert log.contains('Stopped db')
