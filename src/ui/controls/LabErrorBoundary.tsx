/** A lab page that throws while rendering shows the error and a way back, not a blank page; the other labs stay usable. */
import { Component, type ReactNode } from 'react';
import { LABS, type LabId } from '../../labs';
import { useAppStore } from '../../store/store';

export class LabErrorBoundary extends Component<{ lab: LabId; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  reset = () => {
    // the lab's experiment back to its defaults (its history of records stays)
    useAppStore.getState().specReplace(this.props.lab, LABS[this.props.lab].defaults as never);
    this.setState({ error: null });
  };

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="banner error" data-testid="lab-error">
        <strong>The {LABS[this.props.lab].label} stopped drawing: </strong>
        {this.state.error.message}
        <p>Your other labs and this lab&apos;s history are untouched.</p>
        <button type="button" onClick={this.reset}>
          Reset this lab
        </button>
      </div>
    );
  }
}
