package dev.stevedore.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's text/template as docker's {@code --format} runs it, over documents of maps, lists, strings, numbers and
 * booleans: fields ({@code {{.State.Status}}}), pipelines, variables, {@code if}/{@code range}/{@code with}, Go's
 * functions ({@code and or not len index slice print printf println eq ne lt le gt ge html urlquery}) and docker's
 * ({@code json split join title lower upper pad truncate}); values printed as Go prints them ({@code <no value>},
 * {@code [a b]}, {@code map[k:v]}). A value that is a {@link Method} is called, with arguments when the template gives
 * some ({@code {{.Label "com.example"}}}).
 *
 * <p>A strict template (docker's listings run over its own context types) fails on a field the document lacks, as Go
 * does on a struct ({@code can't evaluate field Foo}); a lenient one ({@code inspect}, which docker falls back to raw
 * JSON for) prints {@code <no value>}.
 */
final class GoTemplate {
    /** A value in a document that the template calls: {@code .Label "key"} in {@code ps}. */
    @FunctionalInterface
    interface Method {
        Object call(List<Object> arguments);
    }

    /**
     * A Go map in a document (event attributes, labels), its keys sorted as Go prints them: a key it lacks reads as
     * {@code <no value>} even in a strict template, as a map lookup does in Go.
     */
    static final class GoMap<V> extends TreeMap<String, V> {
        GoMap(Map<String, ? extends V> entries) {
            super(entries);
        }
    }

    private final List<TemplateNode> nodes;
    private final boolean strict;

    private GoTemplate(List<TemplateNode> nodes, boolean strict) {
        this.nodes = nodes;
        this.strict = strict;
    }

    /**
     * A lenient template, parsed now.
     *
     * @throws IllegalArgumentException in Go's words when it is malformed
     */
    static GoTemplate parse(String template) {
        return new GoTemplate(TemplateParser.parse(template), false);
    }

    /** A strict template: a field its documents lack is an error. */
    static GoTemplate parseStrict(String template) {
        return new GoTemplate(TemplateParser.parse(template), true);
    }

    /**
     * The text for {@code document}.
     *
     * @throws IllegalArgumentException in Go's words when running it fails (a missing field of a strict template, a
     *         function given the wrong arguments)
     */
    String apply(Object document) {
        StringBuilder out = new StringBuilder();
        Run run = new Run(document);
        try {
            run.list(nodes, document, out);
        } catch (Jump jump) {
            throw new TemplateException("template: {{" + jump.word + "}} outside {{range}}");
        }
        return out.toString();
    }

    /** {@code break}/{@code continue} on its way to the range that runs it. */
    private static final class Jump extends RuntimeException {
        final String word;

        Jump(String word) {
            super(word, null, false, false);
            this.word = word;
        }
    }

    /** One execution: its variables, innermost last. */
    private final class Run {
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        Run(Object document) {
            names.add("$");
            values.add(document);
        }

        void list(List<TemplateNode> list, Object dot, StringBuilder out) {
            for (TemplateNode node : list) {
                node(node, dot, out);
            }
        }

        private void node(TemplateNode node, Object dot, StringBuilder out) {
            if (node instanceof TemplateNode.Text text) {
                out.append(text.text());
            } else if (node instanceof TemplateNode.Action action) {
                Object value = pipeline(action.pipeline(), dot);
                if (action.pipeline().variables().isEmpty()) {
                    out.append(TemplateFunctions.print(value, true));
                }
            } else if (node instanceof TemplateNode.If branch) {
                scoped(() -> list(TemplateFunctions.truth(pipeline(branch.condition(), dot))
                        ? branch.then() : branch.otherwise(), dot, out));
            } else if (node instanceof TemplateNode.With with) {
                scoped(() -> {
                    Object value = pipeline(with.value(), dot);
                    if (TemplateFunctions.truth(value)) {
                        list(with.then(), value, out);
                    } else {
                        list(with.otherwise(), dot, out);
                    }
                });
            } else if (node instanceof TemplateNode.Range range) {
                scoped(() -> range(range, dot, out));
            } else if (node instanceof TemplateNode.Break) {
                throw new Jump("break");
            } else {
                throw new Jump("continue");
            }
        }

        private void range(TemplateNode.Range range, Object dot, StringBuilder out) {
            List<String> variables = range.over().variables();
            TemplateNode.Pipeline over = new TemplateNode.Pipeline(List.of(), false, range.over().commands());
            Object value = pipeline(over, dot);
            List<Object[]> items = new ArrayList<>();
            if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    items.add(new Object[] {(long) i, list.get(i)});
                }
            } else if (value instanceof Map<?, ?> map) {
                new TreeMap<>(map).forEach((key, item) -> items.add(new Object[] {key, item}));
            } else if (value instanceof Long count) {
                for (long i = 0; i < count; i++) {
                    items.add(new Object[] {i, i});
                }
            } else if (value != null) {
                throw new TemplateException("template: range can't iterate over " + TemplateFunctions.print(value, false));
            }
            if (items.isEmpty()) {
                list(range.otherwise(), dot, out);
                return;
            }
            int mark = names.size();
            for (Object[] item : items) {
                if (variables.size() == 1) {
                    declare(variables.get(0), item[1]);
                } else if (variables.size() == 2) {
                    declare(variables.get(0), item[0]);
                    declare(variables.get(1), item[1]);
                }
                try {
                    list(range.each(), item[1], out);
                } catch (Jump jump) {
                    if (jump.word.equals("break")) {
                        break;
                    }
                } finally {
                    truncate(mark);
                }
            }
        }

        private void scoped(Runnable body) {
            int mark = names.size();
            try {
                body.run();
            } finally {
                truncate(mark);
            }
        }

        private void truncate(int mark) {
            names.subList(mark, names.size()).clear();
            values.subList(mark, values.size()).clear();
        }

        private void declare(String name, Object value) {
            names.add(name);
            values.add(value);
        }

        private Object pipeline(TemplateNode.Pipeline pipeline, Object dot) {
            Object value = null;
            boolean piped = false;
            for (TemplateNode.Command command : pipeline.commands()) {
                value = command(command, dot, value, piped);
                piped = true;
            }
            if (!pipeline.variables().isEmpty()) {
                String name = pipeline.variables().get(0);
                if (pipeline.declares()) {
                    declare(name, value);
                } else {
                    int at = names.lastIndexOf(name);
                    if (at < 0) {
                        throw new TemplateException("template: undefined variable: " + name);
                    }
                    values.set(at, value);
                }
            }
            return value;
        }

        private Object command(TemplateNode.Command command, Object dot, Object piped, boolean hasPiped) {
            List<TemplateNode.Operand> operands = command.operands();
            TemplateNode.Operand first = operands.get(0);
            List<Object> arguments = new ArrayList<>();
            if (first instanceof TemplateNode.Function function) {
                for (TemplateNode.Operand operand : operands.subList(1, operands.size())) {
                    arguments.add(operand(operand, dot));
                }
                if (hasPiped) {
                    arguments.add(piped);
                }
                return TemplateFunctions.call(function.name(), arguments);
            }
            if (first instanceof TemplateNode.Field field && (operands.size() > 1 || hasPiped)) {
                // a method given arguments: .Label "key"
                for (TemplateNode.Operand operand : operands.subList(1, operands.size())) {
                    arguments.add(operand(operand, dot));
                }
                if (hasPiped) {
                    arguments.add(piped);
                }
                Object method = field(operand(field.receiver(), dot), field.chain(), false);
                if (method instanceof Method callable) {
                    return callable.call(arguments);
                }
                throw new TemplateException("template: can't give argument to non-function ."
                        + String.join(".", field.chain()));
            }
            if (operands.size() > 1 || hasPiped) {
                throw new TemplateException("template: can't give argument to non-function "
                        + TemplateFunctions.print(operand(first, dot), false));
            }
            return operand(first, dot);
        }

        private Object operand(TemplateNode.Operand operand, Object dot) {
            if (operand instanceof TemplateNode.Dot) {
                return dot;
            } else if (operand instanceof TemplateNode.Literal literal) {
                return literal.value();
            } else if (operand instanceof TemplateNode.Variable variable) {
                int at = names.lastIndexOf(variable.name());
                if (at < 0) {
                    throw new TemplateException("template: undefined variable: " + variable.name());
                }
                return values.get(at);
            } else if (operand instanceof TemplateNode.Parenthesized parenthesized) {
                return pipeline(parenthesized.pipeline(), dot);
            } else if (operand instanceof TemplateNode.Function function) {
                return TemplateFunctions.call(function.name(), List.of());
            }
            TemplateNode.Field field = (TemplateNode.Field) operand;
            return field(operand(field.receiver(), dot), field.chain(), true);
        }

        /** {@code .A.B} on {@code receiver}; a method met on the way is called without arguments, the last one only if {@code call}. */
        private Object field(Object receiver, List<String> chain, boolean call) {
            Object value = receiver;
            for (int i = 0; i < chain.size(); i++) {
                String name = chain.get(i);
                if (value instanceof Method method) {
                    value = method.call(List.of());
                }
                if (value instanceof Map<?, ?> map) {
                    if (!map.containsKey(name) && strict && !(map instanceof GoMap)) {
                        throw new TemplateException("template: can't evaluate field " + name);
                    }
                    value = map.get(name);
                } else if (value == null) {
                    if (strict) {
                        throw new TemplateException("template: nil pointer evaluating ." + name);
                    }
                    return null;
                } else {
                    throw new TemplateException("template: can't evaluate field " + name + " in "
                            + TemplateFunctions.print(value, false));
                }
            }
            return call && value instanceof Method method ? method.call(List.of()) : value;
        }
    }
}
