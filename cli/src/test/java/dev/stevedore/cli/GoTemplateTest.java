package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Go's text/template as docker's {@code --format} runs it: each expectation is what Go prints for the same input. */
class GoTemplateTest {
    private static final Map<String, Object> CONTAINER = container();

    private static Map<String, Object> container() {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("team", "web");
        labels.put("app", "shop");
        Map<String, Object> bridge = new LinkedHashMap<>();
        bridge.put("IPAddress", "10.88.0.2");
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("IPAddress", "10.89.0.7");
        Map<String, Object> networks = new LinkedHashMap<>();
        networks.put("bridge", bridge);
        networks.put("backend", backend);
        Map<String, Object> ports = new LinkedHashMap<>();
        ports.put("80/tcp", List.of(Map.of("HostIp", "127.0.0.1", "HostPort", "49153")));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Name", "/web");
        document.put("State", Map.of("Status", "running", "Pid", 4242L, "Running", true, "ExitCode", 0L));
        document.put("Config", Map.of("Env", List.of("A=1", "B=2"), "Labels", labels, "Cmd", List.of("httpd", "-f")));
        document.put("NetworkSettings", Map.of("Networks", networks, "Ports", ports));
        document.put("Empty", List.of());
        document.put("Nothing", null);
        document.put("Ratio", 0.25);
        return document;
    }

    private static String run(String template) {
        return GoTemplate.parse(template).apply(CONTAINER);
    }

    @Test
    void fieldsPrintAsGoPrintsThem() {
        assertThat(run("{{.State.Status}} {{.State.Pid}} {{.State.Running}} {{.Ratio}}")).isEqualTo("running 4242 true 0.25");
        assertThat(run("{{.Config.Env}}")).isEqualTo("[A=1 B=2]");
        assertThat(run("{{.Config.Labels}}")).isEqualTo("map[app:shop team:web]");
        assertThat(run("{{.Missing}}|{{.Nothing}}|{{.Empty}}")).isEqualTo("<no value>|<no value>|[]");
        assertThat(run("{{.}}")).startsWith("map[Config:map[");
    }

    @Test
    void theIdiomsOfDockersDocumentation() {
        assertThat(run("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}")).isEqualTo("10.89.0.7 10.88.0.2 ");
        assertThat(run("{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}};{{end}}"))
                .isEqualTo("backend=10.89.0.7;bridge=10.88.0.2;");
        assertThat(run("{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}")).isEqualTo("49153");
        assertThat(run("{{index .Config.Labels \"team\"}}")).isEqualTo("web");
        assertThat(run("{{json .Config.Labels}}")).isEqualTo("{\"team\":\"web\",\"app\":\"shop\"}");
        assertThat(run("{{join .Config.Cmd \" \"}}")).isEqualTo("httpd -f");
        assertThat(run("{{upper .State.Status}} {{title \"hello world\"}} {{lower \"ABC\"}}")).isEqualTo("RUNNING Hello World abc");
        assertThat(run("{{split \"a,b,c\" \",\"}}")).isEqualTo("[a b c]");
        assertThat(run("{{len .Config.Env}} {{len .Name}}")).isEqualTo("2 4");
        assertThat(run("{{truncate .Name 3}}|{{pad .Name 1 2}}|")).isEqualTo("/we| /web  |");
        assertThat(run("{{.Name | printf \"%q\"}}")).isEqualTo("\"/web\"");
        assertThat(run("{{printf \"%-8s|%5d|%.2f|%v|%x\" .State.Status .State.Pid .Ratio .Config.Env 255}}"))
                .isEqualTo("running | 4242|0.25|[A=1 B=2]|ff");
    }

    @Test
    void controlStructuresAndVariables() {
        assertThat(run("{{if .State.Running}}up{{else}}down{{end}}")).isEqualTo("up");
        assertThat(run("{{if eq .State.Status \"exited\" \"dead\"}}gone{{else if eq .State.Status \"running\"}}up{{end}}"))
                .isEqualTo("up");
        assertThat(run("{{if and .State.Running (gt .State.Pid 1)}}ok{{end}}")).isEqualTo("ok");
        assertThat(run("{{if not .Empty}}none{{end}}")).isEqualTo("none");
        assertThat(run("{{with .State}}{{.Status}}{{end}}|{{with .Empty}}x{{else}}empty{{end}}")).isEqualTo("running|empty");
        assertThat(run("{{range .Empty}}x{{else}}no items{{end}}")).isEqualTo("no items");
        assertThat(run("{{$n := .Name}}{{range .Config.Env}}{{$n}}:{{.}} {{end}}")).isEqualTo("/web:A=1 /web:B=2 ");
        assertThat(run("{{range $i, $e := .Config.Env}}{{if $i}},{{end}}{{$e}}{{end}}")).isEqualTo("A=1,B=2");
        assertThat(run("{{range .Config.Env}}{{if eq . \"B=2\"}}{{break}}{{end}}{{.}}{{end}}")).isEqualTo("A=1");
        assertThat(run("{{range .Config.Env}}{{if eq . \"A=1\"}}{{continue}}{{end}}{{.}}{{end}}")).isEqualTo("B=2");
        assertThat(run("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}")).isEqualTo("2");
        assertThat(run("{{range $.Config.Env}}{{$.Name}}{{end}}")).isEqualTo("/web/web");
    }

    @Test
    void trimMarkersAndComments() {
        assertThat(run("a  {{- .Name -}}  b")).isEqualTo("a/webb");
        assertThat(run("a {{/* a comment */}}b")).isEqualTo("a b");
        assertThat(run("{{- /* trimmed */ -}} x")).isEqualTo("x");
        assertThat(run("{{ .Name }} {{.State.Pid}}")).isEqualTo("/web 4242");
        assertThat(run("{{-3}} {{ -3 }}")).isEqualTo("-3 -3");
    }

    @Test
    void methodsTakeArguments() {
        Map<String, Object> row = Map.of("Label", (GoTemplate.Method) arguments -> "v-" + arguments.get(0), "ID", "abc");
        assertThat(GoTemplate.parseStrict("{{.ID}} {{.Label \"x\"}} {{\"y\" | .Label}}").apply(row)).isEqualTo("abc v-x v-y");
    }

    @Test
    void mistakesAreSaidInGosWords() {
        assertThatThrownBy(() -> GoTemplate.parse("{{.Name")).hasMessage("template: :1: unclosed action");
        assertThatThrownBy(() -> GoTemplate.parse("{{if .Name}}x")).hasMessageContaining("unexpected EOF");
        assertThatThrownBy(() -> GoTemplate.parse("{{end}}")).hasMessage("template: :1: unexpected {{end}}");
        assertThatThrownBy(() -> GoTemplate.parse("a\n{{template \"x\"}}")).hasMessageStartingWith("template: :2: ");
        assertThatThrownBy(() -> run("{{nosuch .Name}}")).hasMessage("template: function \"nosuch\" not defined");
        assertThatThrownBy(() -> run("{{index .Config.Env 5}}")).hasMessageContaining("index out of range: 5");
        assertThatThrownBy(() -> GoTemplate.parseStrict("{{.Nope}}").apply(Map.of("ID", "x")))
                .isInstanceOf(TemplateException.class).hasMessage("template: can't evaluate field Nope");
        assertThatThrownBy(() -> run("{{.Name 1}}")).hasMessageContaining("can't give argument to non-function");
    }

    @Test
    void tablesAlignAsGosTabwriter() {
        assertThat(TabWriter.align("NAME\tIMAGE\tX\nweb\tbusybox:latest\ty\na-much-longer-name\tb\tz\n"))
                .isEqualTo("NAME                 IMAGE            X\n"
                        + "web                  busybox:latest   y\n"
                        + "a-much-longer-name   b                z\n");
        assertThat(TabWriter.align("a\tb\nno tabs here\nc\td\n")).isEqualTo("a         b\nno tabs here\nc         d\n");
    }
}
