package dev.ferry.statemachine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one declarative definition of a move's statuses and allowed transitions, built row by row as
 * {@code (from, event, to)}, after temporalio/sdk-java's {@code StateMachineDefinition}. Workflows
 * consult it to move ({@link StateMachine}); tests walk it to check every path and render it to a
 * diagram.
 */
public final class StateTable<S extends Enum<S>, E extends Enum<E>> {

  /** One row of the table. */
  public record Transition<S, E>(S from, E event, S to) {}

  private final String name;
  private final S initial;
  private final Set<S> finals;
  private final Map<S, Map<E, S>> rows = new LinkedHashMap<>();
  private final List<Transition<S, E>> transitions = new ArrayList<>();

  private StateTable(String name, S initial, Set<S> finals) {
    this.name = name;
    this.initial = initial;
    this.finals = finals;
  }

  @SafeVarargs
  public static <S extends Enum<S>, E extends Enum<E>> StateTable<S, E> of(
      String name, S initial, S... finals) {
    Set<S> f = EnumSet.noneOf(initial.getDeclaringClass());
    Collections.addAll(f, finals);
    return new StateTable<>(name, initial, Collections.unmodifiableSet(f));
  }

  /** Adds the row {@code from --event--> to}. A final state has no outgoing rows. */
  public StateTable<S, E> add(S from, E event, S to) {
    if (finals.contains(from)) {
      throw new IllegalArgumentException(name + ": final state " + from + " cannot move on");
    }
    S previous = rows.computeIfAbsent(from, k -> new LinkedHashMap<>()).putIfAbsent(event, to);
    if (previous != null) {
      throw new IllegalArgumentException(
          name + ": duplicate row " + from + " --" + event + "--> (" + previous + ", " + to + ")");
    }
    transitions.add(new Transition<>(from, event, to));
    return this;
  }

  /** Adds {@code from --event--> to} for every listed {@code from}. */
  @SafeVarargs
  public final StateTable<S, E> addFromEach(E event, S to, S... froms) {
    for (S from : froms) {
      add(from, event, to);
    }
    return this;
  }

  public Optional<S> next(S from, E event) {
    return Optional.ofNullable(rows.getOrDefault(from, Map.of()).get(event));
  }

  public String name() {
    return name;
  }

  public S initial() {
    return initial;
  }

  public Set<S> finals() {
    return finals;
  }

  public boolean isFinal(S state) {
    return finals.contains(state);
  }

  public List<Transition<S, E>> transitions() {
    return Collections.unmodifiableList(transitions);
  }

  /** Events accepted in {@code state}, in table order. */
  public List<E> eventsFrom(S state) {
    return List.copyOf(rows.getOrDefault(state, Map.of()).keySet());
  }

  /** Renders the table as a PlantUML state diagram; the committed docs/*.puml must equal it. */
  public String toPlantUml() {
    StringBuilder out = new StringBuilder();
    out.append("@startuml\n");
    out.append("' Generated from ").append(name).append("'s state table; do not edit by hand.\n");
    out.append("title ").append(name).append("\n");
    out.append("[*] --> ").append(initial.name()).append("\n");
    for (Transition<S, E> t : transitions) {
      out.append(t.from().name())
          .append(" --> ")
          .append(t.to().name())
          .append(": ")
          .append(t.event().name())
          .append("\n");
    }
    for (S f : finals) {
      out.append(f.name()).append(" --> [*]\n");
    }
    out.append("@enduml\n");
    return out.toString();
  }
}
