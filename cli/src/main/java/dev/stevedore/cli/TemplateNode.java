package dev.stevedore.cli;

import java.util.List;

/** The parts of a parsed Go template ({@link TemplateParser}), run by {@link GoTemplate}. */
sealed interface TemplateNode {
    /** Text printed as it stands. */
    record Text(String text) implements TemplateNode {
    }

    /** {@code {{pipeline}}}: printed unless it declares or assigns a variable. */
    record Action(Pipeline pipeline) implements TemplateNode {
    }

    /** {@code {{if}}}; an {@code else if} is an If alone in {@code otherwise}. */
    record If(Pipeline condition, List<TemplateNode> then, List<TemplateNode> otherwise) implements TemplateNode {
    }

    /** {@code {{range}}} over a list, a map (by sorted key) or a count. */
    record Range(Pipeline over, List<TemplateNode> each, List<TemplateNode> otherwise) implements TemplateNode {
    }

    /** {@code {{with}}}: its list with dot set to the pipeline's value, when that is not empty. */
    record With(Pipeline value, List<TemplateNode> then, List<TemplateNode> otherwise) implements TemplateNode {
    }

    /** {@code {{break}}} in a range. */
    record Break() implements TemplateNode {
    }

    /** {@code {{continue}}} in a range. */
    record Continue() implements TemplateNode {
    }

    /** Commands joined by {@code |}, each given the one before's value as its last argument; perhaps declaring variables. */
    record Pipeline(List<String> variables, boolean declares, List<Command> commands) {
    }

    /** A function and its arguments, or one value, or a method (a field) with arguments. */
    record Command(List<Operand> operands) {
    }

    /** What a command is made of. */
    sealed interface Operand {
    }

    /** {@code .}: the current value. */
    record Dot() implements Operand {
    }

    /** {@code .A.B} on dot, or fields chained on another operand ({@code $x.A}, {@code (pipeline).A}). */
    record Field(Operand receiver, List<String> chain) implements Operand {
    }

    /** {@code $name}; {@code $} is the data the template was given. */
    record Variable(String name) implements Operand {
    }

    /** A string, number, boolean or nil written in the template. */
    record Literal(Object value) implements Operand {
    }

    /** A function's name. */
    record Function(String name) implements Operand {
    }

    /** {@code (pipeline)}. */
    record Parenthesized(Pipeline pipeline) implements Operand {
    }
}
